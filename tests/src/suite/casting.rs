// Every casting mode on the edge values of floats, integers and bools, and the rank and kind
// errors.

use burn::tensor::{s, Bool, DType, Int};
use burn_nd::backend::Value;
use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::{array, Array1, Array2};
use burn_nd::prelude::*;

use burn_nd_conformance::Expect;


fn assert_values<E: NdElement>(got: &[E], want: &[E], what: &str) {
    let g: Vec<Value> = got.iter().map(|x| x.to_value()).collect();
    let w: Vec<Value> = want.iter().map(|x| x.to_value()).collect();
    assert_eq!(g, w, "{what}");
    // Value equality ignores the sign of zero; the bits must match too for floats.
    assert_eq!(format!("{got:?}"), format!("{want:?}"), "{what} (bits)");
}

fn expect_casting<T: std::fmt::Debug>(r: Result<T, Error>, from: DType, to: DType, mode: Casting) {
    match r {
        Err(Error::Casting {
            from: f,
            to: t,
            casting,
        }) => {
            assert!(can_cast(f, from, Casting::No), "from {f:?}");
            assert!(
                t == to && casting == mode,
                "{t:?} {casting:?} vs {to:?} {mode:?}"
            );
        }
        other => panic!("{from:?} -> {to:?} under {mode:?} should be refused, got {other:?}"),
    }
}

fn expect_inexact<T: std::fmt::Debug>(r: Result<T, Error>, index: &[usize], value: Value) {
    match r {
        Err(Error::Inexact {
            index: i, value: v, ..
        }) => {
            assert_eq!((i.as_slice(), v), (index, value));
        }
        other => panic!("expected inexact at {index:?}, got {other:?}"),
    }
}

/// Every casting mode on NaN, ±inf, -0.0, MIN/MAX and fractions in an f32 tensor.
pub fn casting_float_edges(device: &TestDevice, _: &Expect) {
    let src = array![
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        f32::MIN,
        f32::MAX,
        0.5,
        -1.5,
        2.0
    ];
    let t = TestTensor::<1>::from_ndarray_as(&src, device, DType::F32, Casting::No).expect("f32");
    let to = |mode| t.to_ndarray_with::<i32>(mode);

    // No: only f32 itself.
    let same: Array1<f32> = t.to_ndarray_with(Casting::No).expect("no");
    assert_values(
        same.as_slice().expect("c"),
        src.as_slice().expect("c"),
        "no",
    );
    expect_casting(
        t.to_ndarray_with::<f64>(Casting::No),
        DType::F32,
        DType::F64,
        Casting::No,
    );

    // Safe: widening only.
    let wide: Array1<f64> = t.to_ndarray().expect("safe");
    let want: Vec<f64> = src.iter().map(|&x| x as f64).collect();
    assert_values(wide.as_slice().expect("c"), &want, "safe f64");
    expect_casting(to(Casting::Safe), DType::F32, DType::I32, Casting::Safe);
    expect_casting(t.to_ndarray::<f16>(), DType::F32, DType::F16, Casting::Safe);

    // SameKind: narrowing floats round, overflow to inf; floats to ints are still refused.
    let half: Array1<f16> = t.to_ndarray_with(Casting::SameKind).expect("same kind");
    let want: Vec<f16> = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0]
        .into_iter()
        .chain([f32::NEG_INFINITY, f32::INFINITY, 0.5, -1.5, 2.0])
        .map(f16::from_f32)
        .collect();
    assert_values(half.as_slice().expect("c"), &want, "same kind f16");
    let brain: Array1<bf16> = t.to_ndarray_with(Casting::SameKind).expect("same kind");
    assert_eq!(brain[5], bf16::INFINITY, "f32::MAX rounds past bf16::MAX");
    expect_casting(
        to(Casting::SameKind),
        DType::F32,
        DType::I32,
        Casting::SameKind,
    );

    // Unsafe: Rust `as`.
    let ints = to(Casting::Unsafe).expect("unsafe");
    assert_eq!(
        ints.to_vec(),
        vec![0, i32::MAX, i32::MIN, 0, i32::MIN, i32::MAX, 0, -1, 2]
    );
    let bytes: Array1<u8> = t.to_ndarray_with(Casting::Unsafe).expect("unsafe u8");
    assert_eq!(bytes.to_vec(), vec![0, 255, 0, 0, 0, 255, 0, 0, 2]);
    let bools: Array1<bool> = t.to_ndarray_with(Casting::Unsafe).expect("unsafe bool");
    let want = vec![true, true, true, false, true, true, true, true, true];
    assert_eq!(bools.to_vec(), want);

    // Exact: the first value that does not survive is named.
    expect_inexact(to(Casting::Exact), &[0], Value::Float(f64::NAN));
    expect_inexact(
        t.to_ndarray_with::<f16>(Casting::Exact),
        &[4],
        Value::Float(f32::MIN as f64),
    );
    let exact: Array1<f64> = t.to_ndarray_with(Casting::Exact).expect("f64 keeps all");
    assert!(exact[0].is_nan() && exact[3].is_sign_negative());
    let tail = t.clone().slice(s![6..]);
    expect_inexact(
        tail.to_ndarray_with::<i8>(Casting::Exact),
        &[0],
        Value::Float(0.5),
    );
    let whole = t
        .slice(s![8..])
        .to_ndarray_with::<u64>(Casting::Exact)
        .expect("2.0");
    assert_eq!(whole.to_vec(), vec![2]);
}

/// Every casting mode on i32 MIN/MAX and wrap-around values in an I32 tensor (on a backend
/// without I32, that it refuses one).
pub fn casting_int_edges(device: &TestDevice, expect: &Expect) {
    let src = array![i32::MIN, i32::MAX, -1, 0, 255, 256];
    let made = TestTensor::<1, Int>::from_ndarray_as(&src, device, DType::I32, Casting::No);
    if !expect.holds(burn_nd::NdDType::I32) {
        assert!(matches!(made, Err(Error::Unsupported { .. })), "{made:?}");
        return;
    }
    let t = made.expect("i32");
    assert_eq!(t.dtype(), DType::I32);

    let same: Array1<i32> = t.to_ndarray_with(Casting::No).expect("no");
    assert_eq!(same, src);
    expect_casting(
        t.to_ndarray_with::<i64>(Casting::No),
        DType::I32,
        DType::I64,
        Casting::No,
    );

    let wide: Array1<i64> = t.to_ndarray().expect("safe i64");
    assert_eq!(wide, src.mapv(i64::from));
    let float: Array1<f64> = t.to_ndarray().expect("safe f64");
    assert_eq!(float, src.mapv(f64::from));
    expect_casting(t.to_ndarray::<f32>(), DType::I32, DType::F32, Casting::Safe);
    expect_casting(t.to_ndarray::<u32>(), DType::I32, DType::U32, Casting::Safe);

    let narrow: Array1<i8> = t.to_ndarray_with(Casting::SameKind).expect("same kind");
    assert_eq!(narrow.to_vec(), vec![0, -1, -1, 0, -1, 0]);
    expect_casting(
        t.to_ndarray_with::<u8>(Casting::SameKind),
        DType::I32,
        DType::U8,
        Casting::SameKind,
    );

    let bytes: Array1<u8> = t.to_ndarray_with(Casting::Unsafe).expect("unsafe");
    assert_eq!(bytes.to_vec(), vec![0, 255, 255, 0, 255, 0]);
    let bools: Array1<bool> = t.to_ndarray_with(Casting::Unsafe).expect("unsafe bool");
    assert_eq!(bools.to_vec(), vec![true, true, true, false, true, true]);

    expect_inexact(
        t.to_ndarray_with::<f32>(Casting::Exact),
        &[1],
        Value::Int(i32::MAX as i128),
    );
    expect_inexact(
        t.to_ndarray_with::<i16>(Casting::Exact),
        &[0],
        Value::Int(i32::MIN as i128),
    );
    let tail = t.slice(s![2..]);
    expect_inexact(
        tail.to_ndarray_with::<u8>(Casting::Exact),
        &[0],
        Value::Int(-1),
    );
    let ok: Array1<i16> = tail.to_ndarray_with(Casting::Exact).expect("fits i16");
    assert_eq!(ok.to_vec(), vec![-1, 0, 255, 256]);
}

/// Bool tensors read as `bool` under `No` and as 0/1 in every numeric type under `Safe`.
pub fn casting_bool(device: &TestDevice, _: &Expect) {
    let src = array![[true, false], [false, true]];
    let t = TestTensor::<2, Bool>::from_ndarray(&src, device).expect("bool");
    assert!(matches!(t.dtype(), DType::Bool(_)));
    assert_eq!(t.to_ndarray_with::<bool>(Casting::No).expect("no"), src);
    let one_zero = src.mapv(u8::from);
    assert_eq!(t.to_ndarray::<u8>().expect("u8"), one_zero);
    assert_eq!(
        t.to_ndarray::<i64>().expect("i64"),
        one_zero.mapv(i64::from)
    );
    assert_eq!(
        t.to_ndarray::<f16>().expect("f16"),
        one_zero.mapv(f16::from)
    );
    assert_eq!(
        t.to_ndarray::<f32>().expect("f32"),
        one_zero.mapv(f32::from)
    );
    expect_casting(
        t.to_ndarray_with::<u8>(Casting::No),
        DType::Bool(burn::tensor::BoolStore::Native),
        DType::U8,
        Casting::No,
    );

    // Into a Bool tensor: `!= 0` under Unsafe (the default), refused under Safe, checked under Exact.
    let floats = array![0.0f32, -0.0, 0.5, f32::NAN];
    let b = TestTensor::<1, Bool>::from_ndarray(&floats, device).expect("unsafe");
    assert_eq!(
        b.into_ndarray::<bool>().expect("b").to_vec(),
        vec![false, false, true, true]
    );
    let dtype = t.dtype();
    let r = TestTensor::<1, Bool>::from_ndarray_as(&floats, device, dtype, Casting::Safe);
    expect_casting(r, DType::F32, dtype, Casting::Safe);
    let r = TestTensor::<1, Bool>::from_ndarray_as(&floats, device, dtype, Casting::Exact);
    expect_inexact(r, &[2], Value::Float(0.5));
}

/// Wrong ranks and wrong kinds are errors, not panics.
pub fn rank_errors(device: &TestDevice, _: &Expect) {
    let a = Array2::<f32>::zeros((2, 2));
    match TestTensor::<3>::from_ndarray(&a, device) {
        Err(Error::Rank {
            got: 2,
            expected: 3,
        }) => {}
        other => panic!("expected rank error, got {:?}", other.err()),
    }
    let msg = TestTensor::<1, Int>::from_ndarray(&a, device)
        .expect_err("rank")
        .to_string();
    assert_eq!(msg, "rank mismatch: got 2 dimensions, expected 1");
    for (dtype, kind) in [
        (DType::I32, "Float"),
        (DType::F32, "Int"),
        (DType::U8, "Bool"),
    ] {
        let r =
            match kind {
                "Float" => {
                    TestTensor::<2>::from_ndarray_as(&a, device, dtype, Casting::Unsafe).map(drop)
                }
                "Int" => TestTensor::<2, Int>::from_ndarray_as(&a, device, dtype, Casting::Unsafe)
                    .map(drop),
                _ => TestTensor::<2, Bool>::from_ndarray_as(&a, device, dtype, Casting::Unsafe)
                    .map(drop),
            };
        match r {
            Err(Error::Unsupported { dtype: d, kind: k }) => {
                assert!(d == dtype && k == kind, "{d:?} {k} vs {dtype:?} {kind}")
            }
            other => panic!("{dtype:?} in a {kind} tensor: {other:?}"),
        }
    }
}
