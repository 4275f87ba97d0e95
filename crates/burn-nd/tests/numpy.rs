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

// These checks run on Burn 0.21 (burn-ndarray); the files they compare are line-free.
use burn021 as burn;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor};
use burn_nd::backend::{DynElement, Value};
use burn_nd::ndarray::{ArrayD, IxDyn, ShapeBuilder};
use burn_nd::npy::{self, NpyTensor};
use burn_nd::{Casting, DynArray, Error};
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
    // A shape error found in the same pass is reported beside the names, not hidden.
    arrays.insert(
        "fc1.bias".into(),
        DynArray::from(ArrayD::<f32>::zeros(vec![9])),
    );
    let err = burn_nd::module_from_arrays(net(&device, 4), &arrays, Casting::No).expect_err("keys");
    assert!(
        matches!(&err, Error::Keys { failed, .. } if failed.len() == 1),
        "{err}"
    );
    assert!(
        err.to_string().ends_with(
            "unexpected [\"fc9.weight\"]; and parameter `fc1.bias`: shape mismatch: expected [4], found [9]"
        ),
        "{err}"
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
    let err = Tensor::<NdArray, 2, Int>::read_npy(&path, &device).expect_err("kind");
    assert!(matches!(err, Error::Unsupported { .. }));
    // A kind mismatch says so, rather than blaming the backend.
    assert_eq!(
        err.to_string(),
        "an Int tensor cannot hold float32: Int tensors hold integer dtypes"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// The hostile and unusual files `numpy_files.py hostile` makes, and what NumPy itself made of
/// each (`numpy_says.json`): each is refused with a clear error where NumPy refuses it, and
/// read as NumPy reads it otherwise. The reads run on a thread with a 256 KiB stack, so a
/// parser that recursed with the input's nesting would crash the test.
#[test]
fn hostile_files_fail_cleanly_and_unusual_ones_read_as_numpy_reads_them() {
    let dir = temp_dir("hostile");
    python("hostile", &dir);
    let said = std::fs::read_to_string(dir.join("numpy_says.json")).expect("numpy_says.json");
    let numpy = |name: &str| -> String {
        let key = format!("\"{name}\": \"");
        let at = said
            .find(&key)
            .unwrap_or_else(|| panic!("{name} not in {said}"))
            + key.len();
        said[at..].split('"').next().unwrap_or("").to_owned()
    };
    let thread_dir = dir.clone();
    let reads = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let dir = thread_dir;
            let err = |name: &str| match npy::read_npy(dir.join(name)) {
                Err(e @ Error::Npy { .. }) => e.to_string(),
                other => panic!("{name}: {other:?}"),
            };
            let big_headers = npy::ReadOptions::default().max_header_size(1 << 20);
            vec![
                err("deep_tuples.npy"),
                err("deep_tuples_small.npy"),
                err("long_header.npy"),
                err("nested_lists.npy"),
                err("too_big_f4.npy"),
                err("too_big_u1.npy"),
                big_headers
                    .read_npy(dir.join("deep_tuples.npy"))
                    .expect_err("deep")
                    .to_string(),
            ]
        })
        .expect("thread")
        .join()
        .expect("the reads did not crash");
    for (msg, name, expected) in [
        (
            &reads[0],
            "deep_tuples.npy",
            "header is 21110 bytes, more than max_header_size = 10000",
        ),
        (
            &reads[1],
            "deep_tuples_small.npy",
            "containers nested deeper than 32",
        ),
        (
            &reads[2],
            "long_header.npy",
            "more than max_header_size = 10000",
        ),
        (&reads[3], "nested_lists.npy", "structured"),
        (&reads[4], "too_big_f4.npy", "too big for NumPy"),
        (&reads[5], "too_big_u1.npy", "too big for NumPy"),
        (
            &reads[6],
            "deep_tuples.npy",
            "containers nested deeper than 32",
        ),
    ] {
        assert!(msg.contains(expected), "{name}: {msg}");
        assert!(
            numpy(name).contains("Error"),
            "NumPy read {name}: {}",
            numpy(name)
        );
    }

    // Every spelling of `descr` NumPy reads gives the array np.save writes for it.
    let mut spellings = 0;
    while dir.join(format!("spelling_{spellings}.npy")).exists() {
        let name = format!("spelling_{spellings}");
        let got = npy::read_npy(dir.join(format!("{name}.npy"))).expect(&name);
        let want = npy::read_npy(dir.join(format!("{name}_expected.npy"))).expect(&name);
        assert!(same(&got, &want), "{name}: {got:?} != {want:?}");
        assert!(numpy(&format!("{name}.npy")).starts_with("ok"));
        spellings += 1;
    }
    assert!(spellings >= 20, "{spellings}");

    // An archive member whose header lies is refused from the sizes alone, before inflating;
    // so is one whose directory entry claims more than its compressed bytes can hold.
    let npz_err = |name: &str| npy::read_npz(dir.join(name)).expect_err(name).to_string();
    let msg = npz_err("lying_member.npz");
    assert!(
        msg.contains("(1073741824 data bytes), the archive member holds 8"),
        "{msg}"
    );
    let msg = npz_err("lying_directory.npz");
    assert!(msg.contains("declares 1073741824 bytes from"), "{msg}");
    assert!(numpy("lying_member.npz").contains("Error"));

    // Directory entries are skipped; NumPy loads `weights/a` the same.
    let got = npy::read_npz(dir.join("directories.npz")).expect("directories");
    assert_eq!(got.keys().collect::<Vec<_>>(), ["weights/a"]);
    assert_eq!(
        got["weights/a"],
        DynArray::from(ArrayD::from_shape_vec(vec![3], vec![0i16, 1, 2]).expect("shape"))
    );
    assert!(numpy("directories.npz").contains("weights/a.npy=[0, 1, 2]"));

    // `a` and `a.npy` both kept, under the names NumPy gives them.
    let got = npy::read_npz(dir.join("clash.npz")).expect("clash");
    assert_eq!(got.keys().collect::<Vec<_>>(), ["a", "a.npy"]);
    for key in ["a", "a.npy"] {
        let want = npy::read_npy(dir.join(format!("clash_{key}_expected.npy"))).expect(key);
        assert!(same(&got[key], &want), "{key}: {:?}", got[key]);
    }

    // A 0-d file reads as a 0-d array; Burn has no rank-0 tensors, so asking for one is a
    // clear error, not a panic inside Burn.
    let device = Default::default();
    let scalar = npy::read_npy(dir.join("scalar.npy")).expect("scalar");
    assert_eq!(scalar.shape(), &[] as &[usize]);
    let err = Tensor::<NdArray, 0>::read_npy(dir.join("scalar.npy"), &device).expect_err("rank 0");
    assert!(matches!(err, Error::RankZero), "{err}");
    assert!(
        err.to_string().contains("Burn has no rank-0 tensors"),
        "{err}"
    );
    assert!(matches!(
        scalar.to_tensor::<burn::tensor::Tensor<NdArray, 0>>(&device),
        Err(Error::RankZero)
    ));
    use burn_nd::FromNdarray;
    let err = Tensor::<NdArray, 0>::from_ndarray(&burn_nd::ndarray::arr0(1.5), &device);
    assert!(matches!(err, Err(Error::RankZero)));
    assert!(matches!(
        Tensor::<NdArray, 1>::read_npy(dir.join("scalar.npy"), &device),
        Err(Error::Rank {
            got: 0,
            expected: 1
        })
    ));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
