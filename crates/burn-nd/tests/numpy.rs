//! `.npy` / `.npz` files checked by real NumPy, both ways: NumPy loads what Rust wrote and
//! Rust reads what NumPy wrote, every dtype, C and Fortran order, 0-size and 0-d arrays,
//! compared exactly (dtype, shape, layout, bits; see `numpy_files.py`).
//!
//! NumPy comes from `$BURN_ND_PYTHON` (`cargo xtask setup` makes a venv with it), else
//! `python3`; a python without NumPy fails these tests rather than skipping them.
#![cfg(feature = "npy")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor};
use burn_nd::ndarray::{ArrayD, IxDyn, ShapeBuilder};
use burn_nd::npy::{self, NpyTensor};
use burn_nd::{Casting, DynArray, DynElement, Error, Value};
use burn_ndarray::NdArray;

const FLOATS: [f64; 9] = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    65504.0,
    0.0009765625,
];
const SHAPES: [(&str, &[usize], bool); 6] = [
    ("c23", &[2, 3], false),
    ("f23", &[2, 3], true),
    ("f213", &[2, 1, 3], true),
    ("v4", &[4], false),
    ("e03", &[0, 3], false),
    ("s", &[], false),
];

fn build<E: DynElement>(pattern: &[Value], shape: &[usize], fortran: bool) -> DynArray {
    let n = shape.iter().product::<usize>();
    let values: Vec<E> = (0..n)
        .map(|k| E::from_value(pattern[k % pattern.len()]))
        .collect();
    let c = ArrayD::from_shape_vec(IxDyn(shape), values.clone()).expect("shape");
    if !fortran {
        return E::wrap(c);
    }
    let mut f = ArrayD::from_shape_vec(IxDyn(shape).f(), values).expect("shape");
    f.assign(&c);
    E::wrap(f)
}

fn ints(min: i128, max: i128) -> Vec<Value> {
    let mut p = vec![Value::Int(0), Value::Int(1), Value::Int(7)];
    if min < 0 {
        p.push(Value::Int(min));
    }
    p.push(Value::Int(max));
    p
}

/// The same arrays `numpy_files.py` builds, by the same names.
fn spec() -> Vec<(String, DynArray)> {
    let floats: Vec<Value> = FLOATS.iter().map(|&x| Value::Float(x)).collect();
    let bools = [1, 0, 0, 1].map(Value::Int);
    let mut out = Vec::new();
    for (tag, shape, fortran) in SHAPES {
        let arrays = [
            ("f8", build::<f64>(&floats, shape, fortran)),
            ("f4", build::<f32>(&floats, shape, fortran)),
            ("f2", build::<burn_nd::half::f16>(&floats, shape, fortran)),
            (
                "i8",
                build::<i64>(&ints(i64::MIN.into(), i64::MAX.into()), shape, fortran),
            ),
            (
                "i4",
                build::<i32>(&ints(i32::MIN.into(), i32::MAX.into()), shape, fortran),
            ),
            (
                "i2",
                build::<i16>(&ints(i16::MIN.into(), i16::MAX.into()), shape, fortran),
            ),
            (
                "i1",
                build::<i8>(&ints(i8::MIN.into(), i8::MAX.into()), shape, fortran),
            ),
            (
                "u8",
                build::<u64>(&ints(0, u64::MAX.into()), shape, fortran),
            ),
            (
                "u4",
                build::<u32>(&ints(0, u32::MAX.into()), shape, fortran),
            ),
            (
                "u2",
                build::<u16>(&ints(0, u16::MAX.into()), shape, fortran),
            ),
            ("u1", build::<u8>(&ints(0, u8::MAX.into()), shape, fortran)),
            ("b1", build::<bool>(&bools, shape, fortran)),
        ];
        for (dtype, array) in arrays {
            out.push((format!("{dtype}_{tag}"), array));
        }
    }
    out
}

/// Exact comparison: Debug shows dtype, every value (`-0.0`, `NaN`), shape and strides.
fn same(a: &DynArray, b: &DynArray) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn python(mode: &str, dir: &Path) -> String {
    let exe = std::env::var("BURN_ND_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/numpy_files.py");
    let out = Command::new(&exe)
        .arg(script)
        .arg(mode)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {exe}: {e}; set BURN_ND_PYTHON (cargo xtask setup)")
        });
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{exe} numpy_files.py {mode} failed (is NumPy installed? cargo xtask setup makes a venv):\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    stdout
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("burn_nd_{name}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn numpy_loads_what_rust_wrote() {
    let dir = temp_dir("rust_wrote");
    let arrays = spec();
    for (name, array) in &arrays {
        npy::write_npy(dir.join(format!("{name}.npy")), array).expect("write");
    }
    let map: BTreeMap<&str, &DynArray> = arrays.iter().map(|(k, v)| (k.as_str(), v)).collect();
    npy::write_npz(dir.join("all.npz"), map.clone(), false).expect("npz");
    npy::write_npz(dir.join("all_compressed.npz"), map, true).expect("npz");
    let out = python("check", &dir);
    assert!(out.contains("all arrays equal"));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn rust_reads_what_numpy_wrote() {
    let dir = temp_dir("numpy_wrote");
    python("write", &dir);
    let arrays = spec();
    for (name, expected) in &arrays {
        let got = npy::read_npy(dir.join(format!("{name}.npy"))).expect(name);
        assert!(same(&got, expected), "{name}: {got:?} != {expected:?}");
        let be = dir.join(format!("{name}_be.npy"));
        if be.exists() {
            let got = npy::read_npy(&be).expect(name);
            assert!(same(&got, expected), "{name} big-endian: {got:?}");
        }
    }
    for npz in ["all.npz", "all_compressed.npz"] {
        let got = npy::read_npz(dir.join(npz)).expect(npz);
        assert_eq!(got.len(), arrays.len(), "{npz}");
        for (name, expected) in &arrays {
            assert!(same(&got[name], expected), "{npz}:{name}: {:?}", got[name]);
        }
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[derive(Module, Debug)]
struct Net<B: Backend> {
    fc1: Linear<B>,
    layers: Vec<Linear<B>>,
    steps: burn::module::Param<Tensor<B, 1, Int>>,
}

fn net(device: &burn_ndarray::NdArrayDevice, hidden: usize) -> Net<NdArray> {
    Net {
        fc1: LinearConfig::new(3, hidden).init(device),
        layers: vec![
            LinearConfig::new(hidden, 2).init(device),
            LinearConfig::new(2, 1).with_bias(false).init(device),
        ],
        steps: burn::module::Param::initialized(
            burn::module::ParamId::new(),
            Tensor::from_ints([1, 2, 3], device),
        ),
    }
}

#[test]
fn modules_round_trip_through_numpy() {
    let device = Default::default();
    let dir = temp_dir("module");
    let a = net(&device, 4);
    npy::save_module_npz(&a, dir.join("module.npz")).expect("save");
    let listing = python("module", &dir);
    assert!(listing.contains("fc1.weight:float32[3, 4]"), "{listing}");
    assert!(
        listing.contains("layers.1.weight:float32[2, 1]"),
        "{listing}"
    );
    assert!(listing.contains("steps:int64[3]"), "{listing}");

    // NumPy doubled every array: load them into a fresh module of the same structure.
    let b =
        npy::load_module_npz(net(&device, 4), dir.join("module2.npz"), Casting::No).expect("load");
    let before = burn_nd::module_to_arrays(&a).expect("a");
    let after = burn_nd::module_to_arrays(&b).expect("b");
    for (name, x) in &before {
        let doubled = match x {
            DynArray::F32(v) => DynArray::F32(v * 2.0),
            DynArray::I64(v) => DynArray::I64(v * 2),
            other => panic!("{name}: unexpected {other:?}"),
        };
        assert!(same(&after[name], &doubled), "{name}");
    }

    // A module of another structure: the wrong shape is named.
    let err = npy::load_module_npz(net(&device, 5), dir.join("module2.npz"), Casting::No)
        .expect_err("shape");
    assert!(
        matches!(&err, Error::Param { name, source } if name == "fc1.weight"
            && matches!(**source, Error::Shape { .. })),
        "{err}"
    );
    // Missing and unexpected names are all listed.
    let mut arrays = npy::read_npz(dir.join("module2.npz")).expect("read");
    arrays.remove("fc1.weight");
    arrays.insert(
        "fc9.weight".into(),
        DynArray::from(ArrayD::<f32>::zeros(vec![1])),
    );
    let err = burn_nd::module_from_arrays(net(&device, 4), &arrays, Casting::No).expect_err("keys");
    assert_eq!(
        err.to_string(),
        "module parameters and arrays differ: missing [\"fc1.weight\"], unexpected [\"fc9.weight\"]"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn tensors_read_npy_with_the_files_dtype_or_a_clear_error() {
    let device = Default::default();
    let dir = temp_dir("tensor");
    let path = dir.join("t.npy");
    let t = Tensor::<NdArray, 2>::from_floats([[1.0, -2.0], [0.5, 4.0]], &device);
    t.write_npy(&path).expect("write");
    let back = Tensor::<NdArray, 2>::read_npy(&path, &device).expect("read");
    assert_eq!(back.into_data(), t.into_data());
    assert!(matches!(
        Tensor::<NdArray, 3>::read_npy(&path, &device),
        Err(Error::Rank {
            got: 2,
            expected: 3
        })
    ));
    assert!(matches!(
        Tensor::<NdArray, 2, Int>::read_npy(&path, &device),
        Err(Error::Unsupported { .. })
    ));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
