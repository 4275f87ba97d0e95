//! The burn-nd conformance suite: every test written once, generic over `B: Backend`, and
//! instantiated per backend with [`conformance!`] (see `tests/*.rs`).
//!
//! Where backends legitimately differ, the difference is written down in an [`Expect`] passed
//! by the instantiation, never detected at run time and skipped.

use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{s, BasicOps, Bool, DType, Float, Int, Tensor};
use burn_nd::backend::Value;
use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::{
    self, array, Array, Array1, Array2, Array3, ArrayD, Dimension, IxDyn, ShapeBuilder,
};
use burn_nd::prelude::*;
use burn_nd::{Rank, StaticRank};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

pub use burn;

/// What a backend can hold, written down per backend.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// The non-bool dtypes a tensor may have on this backend; every other one must be refused
    /// with `Error::Unsupported`.
    pub dtypes: &'static [DType],
}

impl Expect {
    fn holds(&self, dtype: DType) -> bool {
        self.dtypes.contains(&dtype)
    }
}

/// Generates one `#[test]` per conformance test for `$backend` on `$device`.
#[macro_export]
macro_rules! conformance {
    ($backend:ty, $device:expr, $expect:expr) => {
        type TestBackend = $backend;
        fn device() -> $crate::burn::tensor::Device<TestBackend> {
            $device
        }
        $crate::conformance!(@tests $expect;
            dtype_support, round_trip_float, round_trip_int, round_trip_bool, zero_size, layouts, views_in,
            casting_float_edges, casting_int_edges, casting_bool, rank_errors, threads,
            prop_float_casts, prop_int_casts, prop_from_ndarray, dyn_arrays_and_files, module_params,
            read_into);
    };
    (@tests $expect:expr; $($name:ident),*) => {$(
        #[test]
        fn $name() {
            $crate::$name::<TestBackend>(&device(), &$expect);
        }
    )*};
}

/// The written-down dtype list matches what the backend reports for its device.
pub fn dtype_support<B: Backend>(device: &B::Device, expect: &Expect) {
    use DType::*;
    let all = [F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8];
    let reported: Vec<DType> = all
        .into_iter()
        .filter(|&d| B::supports_dtype(device, d))
        .collect();
    let written: Vec<DType> = all.into_iter().filter(|&d| expect.holds(d)).collect();
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
fn make<B, K, E, const D: usize>(
    array: &ArrayD<E>,
    device: &B::Device,
    expect: &Expect,
) -> Option<Tensor<B, D, K>>
where
    B: Backend,
    K: BasicOps<B>,
    E: NdElement,
{
    if E::DTYPE == burn_nd::NdDType::Bool {
        return Some(Tensor::from_ndarray(array, device).expect("bool tensor"));
    }
    let made =
        Tensor::<B, D, K>::from_ndarray_as(array, device, DType::from(E::DTYPE), Casting::No);
    if expect.holds(DType::from(E::DTYPE)) {
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

fn round_trip<B, K, E, const D: usize>(device: &B::Device, shape: [usize; D], expect: &Expect)
where
    B: Backend,
    K: BasicOps<B>,
    K::Primitive: 'static,
    E: NdElement + PartialEq,
    Rank<D>: StaticRank,
{
    let array = sample::<E>(&shape);
    let Some(t) = make::<B, K, E, D>(&array, device, expect) else {
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

fn round_trip_dyn<B, K, E, const D: usize>(device: &B::Device, shape: [usize; D], expect: &Expect)
where
    B: Backend,
    K: BasicOps<B>,
    K::Primitive: 'static,
    E: NdElement + PartialEq,
{
    let array = sample::<E>(&shape);
    if let Some(t) = make::<B, K, E, D>(&array, device, expect) {
        assert_eq!(t.to_ndarray_dyn::<E>().expect("dyn"), array, "rank {D}");
        assert_eq!(t.into_ndarray_dyn::<E>().expect("dyn"), array, "rank {D}");
    }
}

macro_rules! every_rank {
    ($b:ty, $k:ty, $e:ty, $device:expr, $expect:expr) => {
        round_trip::<$b, $k, $e, 1>($device, [7], $expect);
        round_trip::<$b, $k, $e, 2>($device, [2, 3], $expect);
        round_trip::<$b, $k, $e, 3>($device, [2, 1, 3], $expect);
        round_trip::<$b, $k, $e, 4>($device, [1, 2, 2, 3], $expect);
        round_trip::<$b, $k, $e, 5>($device, [2, 1, 1, 2, 2], $expect);
        round_trip::<$b, $k, $e, 6>($device, [1, 2, 1, 2, 1, 3], $expect);
        round_trip_dyn::<$b, $k, $e, 8>($device, [1, 2, 1, 2, 1, 1, 3, 1], $expect);
    };
}

/// f32, f64, f16 and bf16 through Float tensors, ranks 1–6 and 8.
pub fn round_trip_float<B: Backend>(device: &B::Device, expect: &Expect) {
    every_rank!(B, Float, f32, device, expect);
    every_rank!(B, Float, f64, device, expect);
    every_rank!(B, Float, f16, device, expect);
    every_rank!(B, Float, bf16, device, expect);
}

/// Every integer type through Int tensors, ranks 1–6 and 8.
pub fn round_trip_int<B: Backend>(device: &B::Device, expect: &Expect) {
    every_rank!(B, Int, i8, device, expect);
    every_rank!(B, Int, i16, device, expect);
    every_rank!(B, Int, i32, device, expect);
    every_rank!(B, Int, i64, device, expect);
    every_rank!(B, Int, u8, device, expect);
    every_rank!(B, Int, u16, device, expect);
    every_rank!(B, Int, u32, device, expect);
    every_rank!(B, Int, u64, device, expect);
}

/// bool through Bool tensors, ranks 1–6 and 8.
pub fn round_trip_bool<B: Backend>(device: &B::Device, expect: &Expect) {
    every_rank!(B, Bool, bool, device, expect);
}

/// Zero-size dimensions convert both ways with their shape intact.
pub fn zero_size<B: Backend>(device: &B::Device, _: &Expect) {
    for shape in [vec![0, 3], vec![2, 0], vec![0, 0]] {
        let a = Array2::<f32>::zeros((shape[0], shape[1]));
        let t = Tensor::<B, 2>::from_ndarray(&a, device).expect("from");
        assert_eq!(t.dims(), [shape[0], shape[1]]);
        let back: Array2<f64> = t.to_ndarray().expect("to");
        assert_eq!(back.shape(), &shape[..]);
        let ints = Tensor::<B, 2, Int>::from_ndarray(&a, device).expect("from");
        assert_eq!(
            ints.into_ndarray_dyn::<i64>().expect("to").shape(),
            &shape[..]
        );
        let bools = Tensor::<B, 2, Bool>::from_ndarray(&a, device).expect("from");
        assert_eq!(
            bools.into_ndarray::<bool>().expect("to").shape(),
            &shape[..]
        );
    }
}

fn cube() -> Array3<f32> {
    Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f32)
}

/// Permuted, sliced, stepped and flipped tensors read back in logical order.
pub fn layouts<B: Backend>(device: &B::Device, _: &Expect) {
    let a = cube();
    let t = Tensor::<B, 3>::from_ndarray(&a, device).expect("from");

    let permuted: Array3<f32> = t.clone().permute([2, 0, 1]).to_ndarray().expect("permute");
    assert_eq!(permuted, a.view().permuted_axes([2, 0, 1]));

    let transposed: Array3<f32> = t.clone().swap_dims(0, 2).into_ndarray().expect("swap");
    assert_eq!(transposed, a.view().permuted_axes([2, 1, 0]));

    let sliced: Array3<f32> = t
        .clone()
        .slice(s![0..2, 1..3, ..;2])
        .to_ndarray()
        .expect("slice");
    assert_eq!(sliced, a.slice(ndarray::s![0..2, 1..3, ..;2]));

    let flipped: Array3<f32> = t.clone().flip([1, 2]).to_ndarray().expect("flip");
    assert_eq!(flipped, a.slice(ndarray::s![.., ..;-1, ..;-1]));

    let mixed = t.permute([1, 0, 2]).flip([0]).slice(s![1.., .., 1..3]);
    let mixed: Array3<i32> = mixed.into_ndarray_with(Casting::Exact).expect("mixed");
    let expected = a.view().permuted_axes([1, 0, 2]);
    let expected = expected.slice(ndarray::s![..;-1, .., ..]);
    let expected = expected
        .slice(ndarray::s![1.., .., 1..3])
        .mapv(|x| x as i32);
    assert_eq!(mixed, expected);
}

/// `read_into` writes into an array the caller owns, in any layout (C order, Fortran order, a
/// stepped and reversed slice of a bigger array, dynamic rank), with casts, from Float, Int
/// and Bool tensors; on every error the destination is untouched.
pub fn read_into<B: Backend>(device: &B::Device, _: &Expect) {
    let a = cube();
    let t = Tensor::<B, 3>::from_ndarray(&a, device).expect("from");
    let _shared = t.clone();

    let mut c = Array3::<f32>::zeros(a.raw_dim());
    t.read_into(&mut c).expect("C order");
    assert_eq!(c, a);
    let mut f = Array3::<f32>::zeros(a.raw_dim().f());
    t.read_into(&mut f).expect("Fortran order");
    assert_eq!(f, a);
    let mut big = Array3::<f32>::from_elem((4, 3, 8), -7.0);
    t.read_into(&mut big.slice_mut(ndarray::s![..;2, ..;-1, 1..;2]))
        .expect("strided");
    assert_eq!(big.slice(ndarray::s![..;2, ..;-1, 1..;2]), a);
    assert!(big
        .slice(ndarray::s![1..;2, .., ..])
        .iter()
        .all(|&x| x == -7.0));
    assert!(big
        .slice(ndarray::s![.., .., ..;2])
        .iter()
        .all(|&x| x == -7.0));

    // A permuted tensor into a dynamic-rank array, widened (f32 -> f64 is safe).
    let mut d = ArrayD::<f64>::zeros(IxDyn(&[4, 2, 3]));
    t.clone().permute([2, 0, 1]).read_into(&mut d).expect("dyn");
    assert_eq!(
        d,
        a.view().permuted_axes([2, 0, 1]).mapv(f64::from).into_dyn()
    );
    let mut i = Array3::<i32>::zeros(a.raw_dim());
    t.read_into_with(&mut i, Casting::Unsafe)
        .expect("unsafe cast");
    assert_eq!(i, a.mapv(|x| x as i32));

    // Errors leave the destination as it was.
    let mut wrong = Array3::<f32>::from_elem((3, 2, 4), 1.5);
    let err = t.read_into(&mut wrong).expect_err("shape");
    assert_eq!(
        err.to_string(),
        "shape mismatch: expected [2, 3, 4], found [3, 2, 4]"
    );
    assert!(wrong.iter().all(|&x| x == 1.5));
    let mut ints = Array3::<i32>::from_elem(a.raw_dim(), 9);
    let err = t.read_into(&mut ints).expect_err("cast");
    assert!(matches!(err, burn_nd::Error::Casting { .. }), "{err}");
    assert!(ints.iter().all(|&x| x == 9));
    let halves = Tensor::<B, 1>::from_floats([1.0, 2.0, 2.5], device);
    let mut exact = Array1::<i32>::from_elem(3, 9);
    let err = halves
        .read_into_with(&mut exact, Casting::Exact)
        .expect_err("exact");
    assert!(matches!(err, burn_nd::Error::Inexact { .. }), "{err}");
    assert_eq!(exact.to_vec(), vec![9, 9, 9]);

    // Int and Bool tensors.
    let ti = Tensor::<B, 1, Int>::from_ints([3, -1, 4], device);
    let mut oi = Array1::<i64>::zeros(3);
    ti.read_into(&mut oi).expect("int");
    assert_eq!(oi.to_vec(), vec![3, -1, 4]);
    let tb = Tensor::<B, 1, Bool>::from_bool([true, false, true].into(), device);
    let mut ob = Array1::<bool>::from_elem(3, false);
    tb.read_into(&mut ob).expect("bool");
    assert_eq!(ob.to_vec(), vec![true, false, true]);
}

/// Any ndarray layout in: owned, views, shared, copy-on-write, Fortran order, negative strides
/// and stepped slices all arrive in logical order.
pub fn views_in<B: Backend>(device: &B::Device, _: &Expect) {
    let a = cube();
    let check = |view: ndarray::ArrayView3<f32>, what: &str| {
        let t = Tensor::<B, 3>::from_ndarray(&view, device).expect(what);
        let back: Array3<f32> = t.into_ndarray().expect(what);
        assert_eq!(back, view, "{what}");
    };
    check(a.view(), "c order");
    check(a.t(), "reversed axes");
    check(a.slice(ndarray::s![..;-1, .., ..;-2]), "negative strides");
    check(a.slice(ndarray::s![.., 1..;2, 1..]), "stepped");
    check(a.view().permuted_axes([1, 2, 0]), "permuted");

    let fortran = Array::from_shape_vec((2, 3).f(), vec![1u16, 2, 3, 4, 5, 6]).expect("f");
    let t = Tensor::<B, 2>::from_ndarray(&fortran, device).expect("fortran");
    assert_eq!(
        t.into_ndarray::<f32>().expect("back"),
        fortran.mapv(f32::from)
    );

    let shared = a.clone().into_shared();
    let t = Tensor::<B, 3, Int>::from_ndarray(&shared, device).expect("arc");
    let back: Array3<i64> = t.into_ndarray().expect("back");
    assert_eq!(back, a.mapv(|x| x as i64));

    let cow = a.as_standard_layout();
    let t = Tensor::<B, 3>::from_ndarray(&cow, device).expect("cow");
    assert_eq!(t.into_ndarray::<f32>().expect("back"), a);
}

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
pub fn casting_float_edges<B: Backend>(device: &B::Device, _: &Expect) {
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
    let t = Tensor::<B, 1>::from_ndarray_as(&src, device, DType::F32, Casting::No).expect("f32");
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

/// Every casting mode on i32 MIN/MAX and wrap-around values in an I32 tensor.
pub fn casting_int_edges<B: Backend>(device: &B::Device, _: &Expect) {
    let src = array![i32::MIN, i32::MAX, -1, 0, 255, 256];
    let t =
        Tensor::<B, 1, Int>::from_ndarray_as(&src, device, DType::I32, Casting::No).expect("i32");
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
pub fn casting_bool<B: Backend>(device: &B::Device, _: &Expect) {
    let src = array![[true, false], [false, true]];
    let t = Tensor::<B, 2, Bool>::from_ndarray(&src, device).expect("bool");
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
    let b = Tensor::<B, 1, Bool>::from_ndarray(&floats, device).expect("unsafe");
    assert_eq!(
        b.into_ndarray::<bool>().expect("b").to_vec(),
        vec![false, false, true, true]
    );
    let dtype = t.dtype();
    let r = Tensor::<B, 1, Bool>::from_ndarray_as(&floats, device, dtype, Casting::Safe);
    expect_casting(r, DType::F32, dtype, Casting::Safe);
    let r = Tensor::<B, 1, Bool>::from_ndarray_as(&floats, device, dtype, Casting::Exact);
    expect_inexact(r, &[2], Value::Float(0.5));
}

/// Wrong ranks and wrong kinds are errors, not panics.
pub fn rank_errors<B: Backend>(device: &B::Device, _: &Expect) {
    let a = Array2::<f32>::zeros((2, 2));
    match Tensor::<B, 3>::from_ndarray(&a, device) {
        Err(Error::Rank {
            got: 2,
            expected: 3,
        }) => {}
        other => panic!("expected rank error, got {:?}", other.err()),
    }
    let msg = Tensor::<B, 1, Int>::from_ndarray(&a, device)
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
                    Tensor::<B, 2>::from_ndarray_as(&a, device, dtype, Casting::Unsafe).map(drop)
                }
                "Int" => Tensor::<B, 2, Int>::from_ndarray_as(&a, device, dtype, Casting::Unsafe)
                    .map(drop),
                _ => Tensor::<B, 2, Bool>::from_ndarray_as(&a, device, dtype, Casting::Unsafe)
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

/// Eight threads convert at once, each its own tensors and one shared tensor.
pub fn threads<B: Backend>(device: &B::Device, _: &Expect) {
    let base = Array2::from_shape_fn((16, 9), |(i, j)| (i * 9 + j) as f32);
    let shared = Tensor::<B, 2>::from_ndarray(&base, device).expect("shared");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|k| {
                let (base, shared) = (&base, shared.clone());
                scope.spawn(move || {
                    for round in 0..10 {
                        let offset = (k * 100 + round) as f32;
                        let mine = base.mapv(|x| x + offset);
                        let t = Tensor::<B, 2>::from_ndarray(&mine, device).expect("from");
                        let back: Array2<f64> = (t + 1.0).into_ndarray().expect("into");
                        assert_eq!(back, mine.mapv(|x| f64::from(x) + 1.0));
                        let ints: Array2<i64> =
                            shared.to_ndarray_with(Casting::Exact).expect("shared");
                        assert_eq!(ints, base.mapv(|x| x as i64));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread");
        }
    });
}

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
pub fn prop_float_casts<B: Backend>(device: &B::Device, _: &Expect) {
    let strategy = shape_and(prop_oneof![
        any::<f32>(),
        (-300i32..300).prop_map(|x| x as f32 / 4.0),
        Just(TWO_63),
        Just(-TWO_63),
    ]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let t = Tensor::<B, 4>::from_ndarray_as(
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

/// Random i32 data: wrapping, saturating-free Unsafe casts and Exact range checks agree with
/// plain Rust.
pub fn prop_int_casts<B: Backend>(device: &B::Device, _: &Expect) {
    let strategy = shape_and(prop_oneof![any::<i32>(), -40000i32..40000]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let a = a.into_shape_with_order(IxDyn(&pad4(&shape))).expect("4d");
            let t = Tensor::<B, 4, Int>::from_ndarray_as(&a, device, DType::I32, Casting::No)
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
pub fn prop_from_ndarray<B: Backend>(device: &B::Device, _: &Expect) {
    let strategy = shape_and(prop_oneof![any::<f64>(), (-1e3f64..1e3)]);
    runner()
        .run(&strategy, |(shape, values)| {
            let a = ArrayD::from_shape_vec(IxDyn(&shape), values.clone()).expect("shape");
            let a = a.into_shape_with_order(IxDyn(&pad4(&shape))).expect("4d");
            let ints = Tensor::<B, 4, Int>::from_ndarray(&a.t(), device).expect("int");
            let dtype = ints.dtype();
            let got = ints.into_ndarray_dyn::<i64>().expect("read");
            let want = a.t().mapv(|v| match dtype {
                DType::I32 => i64::from(v as i32),
                DType::I64 => v as i64,
                other => panic!("unexpected default int {other:?}"),
            });
            prop_assert_eq!(got, want);
            let floats = Tensor::<B, 4, Float>::from_ndarray(&a, device).expect("float");
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

/// Gradients of an `Autodiff` tensor convert like any tensor of the inner backend.
pub fn gradients<B: AutodiffBackend>(device: &B::Device) {
    let x = array![[1.0f32, -2.0], [3.0, 0.5]];
    let t = Tensor::<B, 2>::from_ndarray(&x, device)
        .expect("x")
        .require_grad();
    let y = (t.clone() * t.clone() * 3.0).sum();
    let value: Array1<f64> = y.to_ndarray().expect("y");
    assert_eq!(value[0], x.mapv(|v| 3.0 * f64::from(v * v)).sum());
    let grads = y.backward();
    let grad = t.grad(&grads).expect("grad");
    let g: Array2<f32> = grad.into_ndarray().expect("grad to ndarray");
    assert_eq!(g, x.mapv(|v| 6.0 * v));
    let back: Array2<f32> = t.detach().into_ndarray().expect("x back");
    assert_eq!(back, x);
}

/// A tensor of `dtype` (Float or Int kind by dtype) holding 0..6 as a `[2, 3]` array.
fn counting<B: Backend>(dtype: DType, device: &B::Device) -> burn_nd::DynArray {
    let a = burn_nd::DynArray::from(
        ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).collect::<Vec<i32>>()).expect("shape"),
    );
    let a = a.cast(dtype, Casting::Unsafe).expect("cast");
    let back = if dtype.is_float() {
        let t: Tensor<B, 2> = a.to_tensor(device).expect("float tensor");
        assert_eq!(t.dtype(), dtype);
        burn_nd::DynArray::from_tensor(&t).expect("read")
    } else {
        let t: Tensor<B, 2, Int> = a.to_tensor(device).expect("int tensor");
        assert_eq!(t.dtype(), dtype);
        burn_nd::DynArray::from_owned_tensor(t).expect("read")
    };
    assert_eq!(back, a, "{dtype:?}");
    back
}

/// Every dtype the backend holds goes tensor → `DynArray` → tensor with its dtype kept, and
/// through a `.npy` file (bf16 refused with `NotInNumpy`); bools too.
pub fn dyn_arrays_and_files<B: Backend>(device: &B::Device, expect: &Expect) {
    use burn_nd::npy::NpyTensor;
    let dir = std::env::temp_dir().join(format!(
        "burn_nd_conf_{}_{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("t.npy");
    for &dtype in expect.dtypes {
        let a = counting::<B>(dtype, device);
        let result = if dtype.is_float() {
            let t: Tensor<B, 2> = a.to_tensor(device).expect("tensor");
            t.write_npy(&path).map(|()| {
                let back = Tensor::<B, 2>::read_npy(&path, device).expect("read_npy");
                assert_eq!(back.dtype(), dtype);
                burn_nd::DynArray::from_tensor(&back).expect("read")
            })
        } else {
            let t: Tensor<B, 2, Int> = a.to_tensor(device).expect("tensor");
            t.write_npy(&path).map(|()| {
                let back = Tensor::<B, 2, Int>::read_npy(&path, device).expect("read_npy");
                assert_eq!(back.dtype(), dtype);
                burn_nd::DynArray::from_tensor(&back).expect("read")
            })
        };
        match result {
            Ok(back) => assert_eq!(back, a, "{dtype:?} through .npy"),
            Err(burn_nd::Error::NotInNumpy { dtype: d }) => {
                assert!(d == DType::BF16 && dtype == DType::BF16, "{d:?} {dtype:?}")
            }
            Err(e) => panic!("{dtype:?}: {e}"),
        }
    }
    let b = Tensor::<B, 1, Bool>::from_ndarray(&array![true, false, true], device).expect("bool");
    b.write_npy(&path).expect("write bool");
    let back = Tensor::<B, 1, Bool>::read_npy(&path, device).expect("read bool");
    assert_eq!(
        back.into_ndarray::<bool>().expect("to"),
        array![true, false, true]
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// A module's parameters go to named arrays and back into a fresh module of the same
/// structure, values, dtypes and gradient requirements kept.
pub fn module_params<B: Backend>(device: &B::Device, _: &Expect) {
    use burn::nn::{Linear, LinearConfig};
    let a: Linear<B> = LinearConfig::new(3, 2).init(device);
    let arrays = burn_nd::module_to_arrays(&a).expect("to arrays");
    assert_eq!(arrays.keys().collect::<Vec<_>>(), ["bias", "weight"]);
    let b: Linear<B> =
        burn_nd::module_from_arrays(LinearConfig::new(3, 2).init(device), &arrays, Casting::No)
            .expect("from arrays");
    assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
    assert_eq!(
        b.weight.val().is_require_grad(),
        a.weight.val().is_require_grad()
    );
    let wrong: Result<Linear<B>, _> =
        burn_nd::module_from_arrays(LinearConfig::new(2, 2).init(device), &arrays, Casting::No);
    assert!(matches!(wrong, Err(burn_nd::Error::Param { .. })));
}
