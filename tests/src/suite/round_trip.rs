// Every dtype and rank through `from_ndarray` and each `to_`/`into_` form, and what a backend
// that cannot hold a dtype says.

use burn::tensor::{Bool, DType, Float, Int};
use burn_nd::backend::Value;
use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::{Array, Array2, ArrayD, Dimension, IxDyn};
use burn_nd::prelude::*;
use burn_nd::{NdDType, Rank, StaticRank};

use burn_nd_conformance::Expect;


/// The written-down dtype list matches what the backend reports for its device.
pub fn dtype_support(device: &TestDevice, expect: &Expect) {
    use DType::*;
    let all = [F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8];
    let reported: Vec<DType> = all
        .into_iter()
        .filter(|&d| device_supports(device, d))
        .collect();
    let written: Vec<DType> = all.into_iter().filter(|&d| NdDType::try_from(d).is_ok_and(|nd| expect.holds(nd))).collect();
    assert_eq!(reported, written, "backend-reported vs written-down dtypes");
}

/// A deterministic sample of values for `E` that mixes edge cases (±inf or MIN/MAX, -0.0,
/// fractions) with counting values; every value is exactly an `E`.
fn sample<E: NdElement>(shape: &[usize]) -> ArrayD<E> {
    const PATTERN: [Value; 8] = [
        Value::Float(f64::NEG_INFINITY),
        Value::Float(f64::INFINITY),
        Value::Float(-0.0),
        Value::Float(0.5),
        Value::Int(-3),
        Value::Int(7),
        Value::Float(1e10),
        Value::Float(-2.5e-3),
    ];
    ArrayD::from_shape_fn(IxDyn(shape), |ix| {
        let flat = ix
            .as_array_view()
            .iter()
            .fold(0usize, |acc, &i| acc * 31 + i + 1);
        if flat % 3 == 0 {
            E::from_value(Value::Int(flat as i128))
        } else {
            E::from_value(PATTERN[flat % 8])
        }
    })
}

/// A tensor holding `array` with dtype `E` (bool: the backend's bool), or `None` after checking
/// that a backend which cannot hold `E` says so.
fn make<K, E, const D: usize>(
    array: &ArrayD<E>,
    device: &TestDevice,
    expect: &Expect,
) -> Option<TestTensor<D, K>>
where
    K: TestKind,
    E: NdElement,
{
    if E::DTYPE == burn_nd::NdDType::Bool {
        return Some(TestTensor::from_ndarray(array, device).expect("bool tensor"));
    }
    let made =
        TestTensor::<D, K>::from_ndarray_as(array, device, DType::from(E::DTYPE), Casting::No);
    if expect.holds(E::DTYPE) {
        let t = made.unwrap_or_else(|e| panic!("{:?} tensor: {e}", E::DTYPE));
        assert!(
            can_cast(t.dtype(), E::DTYPE, Casting::No),
            "tensor dtype {:?}, wanted {:?}",
            t.dtype(),
            E::DTYPE
        );
        Some(t)
    } else {
        match made {
            Err(Error::Unsupported { dtype, .. }) => assert_eq!(dtype, E::DTYPE),
            other => panic!(
                "{:?} should be unsupported, got {:?}",
                E::DTYPE,
                other.err()
            ),
        }
        None
    }
}

fn round_trip<K, E, const D: usize>(device: &TestDevice, shape: [usize; D], expect: &Expect)
where
    K: TestKind,
    E: NdElement + PartialEq,
    Rank<D>: StaticRank,
{
    let array = sample::<E>(&shape);
    let Some(t) = make::<K, E, D>(&array, device, expect) else {
        return;
    };
    let ctx = format!("{:?} rank {D}", E::DTYPE);
    let copied: Array<E, _> = t.to_ndarray().unwrap_or_else(|e| panic!("{ctx}: {e}"));
    assert_eq!(copied.into_dyn(), array, "{ctx} to_ndarray");
    let exact = t.to_ndarray_dyn_with::<E>(Casting::Exact).expect("exact");
    assert_eq!(exact, array, "{ctx} to_ndarray_dyn_with(Exact)");
    let dynamic = t.clone().into_ndarray_dyn::<E>().expect("dyn");
    assert_eq!(dynamic, array, "{ctx} into_ndarray_dyn");
    let owned = t.into_ndarray_with::<E>(Casting::No).expect("no");
    assert_eq!(owned.into_dyn(), array, "{ctx} into_ndarray_with(No)");
}

fn round_trip_dyn<K, E, const D: usize>(device: &TestDevice, shape: [usize; D], expect: &Expect)
where
    K: TestKind,
    E: NdElement + PartialEq,
{
    let array = sample::<E>(&shape);
    if let Some(t) = make::<K, E, D>(&array, device, expect) {
        assert_eq!(t.to_ndarray_dyn::<E>().expect("dyn"), array, "rank {D}");
        assert_eq!(t.into_ndarray_dyn::<E>().expect("dyn"), array, "rank {D}");
    }
}

macro_rules! every_rank {
    ($k:ty, $e:ty, $device:expr, $expect:expr) => {
        round_trip::<$k, $e, 1>($device, [7], $expect);
        round_trip::<$k, $e, 2>($device, [2, 3], $expect);
        round_trip::<$k, $e, 3>($device, [2, 1, 3], $expect);
        round_trip::<$k, $e, 4>($device, [1, 2, 2, 3], $expect);
        round_trip::<$k, $e, 5>($device, [2, 1, 1, 2, 2], $expect);
        round_trip::<$k, $e, 6>($device, [1, 2, 1, 2, 1, 3], $expect);
        round_trip_dyn::<$k, $e, 8>($device, [1, 2, 1, 2, 1, 1, 3, 1], $expect);
    };
}

/// f32, f64, f16 and bf16 through Float tensors, ranks 1–6 and 8.
pub fn round_trip_float(device: &TestDevice, expect: &Expect) {
    every_rank!(Float, f32, device, expect);
    every_rank!(Float, f64, device, expect);
    every_rank!(Float, f16, device, expect);
    every_rank!(Float, bf16, device, expect);
}

/// Every integer type through Int tensors, ranks 1–6 and 8.
pub fn round_trip_int(device: &TestDevice, expect: &Expect) {
    every_rank!(Int, i8, device, expect);
    every_rank!(Int, i16, device, expect);
    every_rank!(Int, i32, device, expect);
    every_rank!(Int, i64, device, expect);
    every_rank!(Int, u8, device, expect);
    every_rank!(Int, u16, device, expect);
    every_rank!(Int, u32, device, expect);
    every_rank!(Int, u64, device, expect);
}

/// bool through Bool tensors, ranks 1–6 and 8.
pub fn round_trip_bool(device: &TestDevice, expect: &Expect) {
    every_rank!(Bool, bool, device, expect);
}

/// Zero-size dimensions convert both ways with their shape intact.
pub fn zero_size(device: &TestDevice, _: &Expect) {
    for shape in [vec![0, 3], vec![2, 0], vec![0, 0]] {
        let a = Array2::<f32>::zeros((shape[0], shape[1]));
        let t = TestTensor::<2>::from_ndarray(&a, device).expect("from");
        assert_eq!(t.dims(), [shape[0], shape[1]]);
        let back: Array2<f64> = t.to_ndarray().expect("to");
        assert_eq!(back.shape(), &shape[..]);
        let ints = TestTensor::<2, Int>::from_ndarray(&a, device).expect("from");
        assert_eq!(
            ints.into_ndarray_dyn::<i64>().expect("to").shape(),
            &shape[..]
        );
        let bools = TestTensor::<2, Bool>::from_ndarray(&a, device).expect("from");
        assert_eq!(
            bools.into_ndarray::<bool>().expect("to").shape(),
            &shape[..]
        );
    }
}
