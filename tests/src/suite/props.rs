// Property tests: random shapes and values against a plain-Rust reference.

use burn::tensor::{DType, Float, Int};
use burn_nd::backend::Value;
use burn_nd::ndarray::{ArrayD, IxDyn};
use burn_nd::prelude::*;
use burn_nd::NdDType;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use burn_nd_conformance::Expect;


fn shape_and<T: std::fmt::Debug + Clone>(
    element: impl Strategy<Value = T> + Clone,
) -> impl Strategy<Value = (Vec<usize>, Vec<T>)> {
    vec(0usize..5, 1..=4).prop_flat_map(move |shape| {
        let n: usize = shape.iter().product();
        (Just(shape), vec(element.clone(), n))
    })
}

fn first_bad<T: Copy>(values: &[T], ok: impl Fn(T) -> bool) -> Option<usize> {
    values.iter().position(|&v| !ok(v))
}

fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (i, &n) in shape.iter().enumerate().rev() {
        index[i] = flat % n;
        flat /= n;
    }
    index
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    })
}

/// 2^63, the first f32 above every i64.
const TWO_63: f32 = 9_223_372_036_854_775_808.0;

/// Random shapes and f32 data (NaN and infinities included): Safe, Unsafe and Exact casts
/// agree with a plain-Rust reference.
pub fn prop_float_casts(device: &TestDevice, _: &Expect) {
    let strategy = shape_and(prop_oneof![
        any::<f32>(),
        (-300i32..300).prop_map(|x| x as f32 / 4.0),
        Just(TWO_63),
        Just(-TWO_63),
    ]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let t = TestTensor::<4>::from_ndarray_as(
                &a.to_shape(IxDyn(&pad4(&shape))).expect("4d"),
                device,
                DType::F32,
                Casting::No,
            )
            .expect("tensor");
            let wide = t.to_ndarray_dyn::<f64>().expect("safe");
            for (w, v) in wide.iter().zip(&values) {
                prop_assert!(w.to_bits() == (*v as f64).to_bits() || (w.is_nan() && v.is_nan()));
            }
            let unsafe_ints = t
                .to_ndarray_dyn_with::<i64>(Casting::Unsafe)
                .expect("unsafe");
            let want: Vec<i64> = values.iter().map(|&v| v as i64).collect();
            prop_assert_eq!(unsafe_ints.iter().copied().collect::<Vec<_>>(), want);
            let fits = |v: f32| v.fract() == 0.0 && (-TWO_63..TWO_63).contains(&v);
            match (
                first_bad(&values, fits),
                t.to_ndarray_dyn_with::<i64>(Casting::Exact),
            ) {
                (None, Ok(exact)) => {
                    let want: Vec<i64> = values.iter().map(|&v| v as i64).collect();
                    prop_assert_eq!(exact.iter().copied().collect::<Vec<_>>(), want)
                }
                (Some(i), Err(Error::Inexact { index, .. })) => {
                    prop_assert_eq!(index, unravel(i, &pad4(&shape)))
                }
                (bad, got) => prop_assert!(false, "first bad {:?}, got {:?}", bad, got),
            }
            Ok(())
        })
        .expect("property");
}

/// `shape` padded with leading 1s to rank 4, so one tensor type serves every rank.
fn pad4(shape: &[usize]) -> Vec<usize> {
    let mut padded = vec![1; 4 - shape.len()];
    padded.extend_from_slice(shape);
    padded
}

/// Random i32 data (in an I32 tensor, or I64 where the backend has no I32): wrapping,
/// saturating-free Unsafe casts and Exact range checks agree with plain Rust.
pub fn prop_int_casts(device: &TestDevice, expect: &Expect) {
    let dtype = if expect.holds(NdDType::I32) {
        DType::I32
    } else {
        DType::I64
    };
    let strategy = shape_and(prop_oneof![any::<i32>(), -40000i32..40000]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let a = a.into_shape_with_order(IxDyn(&pad4(&shape))).expect("4d");
            let t = TestTensor::<4, Int>::from_ndarray_as(&a, device, dtype, Casting::SameKind)
                .expect("tensor");
            let wrapped = t
                .to_ndarray_dyn_with::<u8>(Casting::Unsafe)
                .expect("unsafe");
            let want: Vec<u8> = values.iter().map(|&v| v as u8).collect();
            prop_assert_eq!(wrapped.iter().copied().collect::<Vec<_>>(), want);
            let fits = |v: i32| i16::try_from(v).is_ok();
            match (
                first_bad(&values, fits),
                t.to_ndarray_dyn_with::<i16>(Casting::Exact),
            ) {
                (None, Ok(exact)) => prop_assert_eq!(exact, a.mapv(|v| v as i16)),
                (Some(i), Err(Error::Inexact { index, value, .. })) => {
                    prop_assert_eq!(index, unravel(i, &pad4(&shape)));
                    prop_assert_eq!(value, Value::Int(values[i] as i128));
                }
                (bad, got) => prop_assert!(false, "first bad {:?}, got {:?}", bad, got),
            }
            Ok(())
        })
        .expect("property");
}

/// Random f64 data into the backend's default Int and Float dtypes: values follow Rust `as`
/// (NaN → 0, saturation) and never panic.
pub fn prop_from_ndarray(device: &TestDevice, _: &Expect) {
    let strategy = shape_and(prop_oneof![any::<f64>(), (-1e3f64..1e3)]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let a = a.into_shape_with_order(IxDyn(&pad4(&shape))).expect("4d");
            let ints = TestTensor::<4, Int>::from_ndarray(&a.t(), device).expect("int");
            let dtype = ints.dtype();
            let got = ints.into_ndarray_dyn::<i64>().expect("read");
            let want = a.t().mapv(|v| match dtype {
                DType::I32 => i64::from(v as i32),
                DType::I64 => v as i64,
                other => panic!("unexpected default int {other:?}"),
            });
            prop_assert_eq!(got, want);
            let floats = TestTensor::<4, Float>::from_ndarray(&a, device).expect("float");
            let got = floats
                .into_ndarray_dyn_with::<f64>(Casting::Unsafe)
                .expect("read");
            for (g, v) in got.iter().zip(a.iter()) {
                let want = *v as f32 as f64;
                prop_assert!(g.to_bits() == want.to_bits() || (g.is_nan() && v.is_nan()));
            }
            Ok(())
        })
        .expect("property");
}
