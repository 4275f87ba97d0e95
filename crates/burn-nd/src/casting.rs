//! NumPy casting modes and the dtype-level rule [`can_cast`].

use burn::tensor::DType;

/// How far a conversion may change values, after NumPy's `casting=` argument.
///
/// | mode | allows | NumPy |
/// |---|---|---|
/// | [`No`](Casting::No) | only the same dtype | `"no"` |
/// | [`Safe`](Casting::Safe) | casts that keep every value of the source type (the default) | `"safe"` |
/// | [`SameKind`](Casting::SameKind) | safe casts, or casts within a kind (`f64`→`f32`, `u64`→`i8`) or up the order bool → unsigned → signed → float | `"same_kind"` |
/// | [`Unsafe`](Casting::Unsafe) | anything, with Rust `as` semantics (see [`NdElement`](crate::NdElement)) | `"unsafe"` |
/// | [`Exact`](Casting::Exact) | anything, but every value must survive exactly, else [`Error::Inexact`](crate::Error::Inexact) | none |
///
/// `Exact` compares values, not bits: `-0.0` becomes `0` exactly, and NaN survives a
/// float→float cast but not a float→int one.
///
/// ```
/// use burn_nd::{can_cast, Casting};
/// use burn::tensor::DType;
///
/// assert!(can_cast(DType::I32, DType::F64, Casting::Safe));
/// assert!(!can_cast(DType::F64, DType::F32, Casting::Safe));
/// assert!(can_cast(DType::F64, DType::F32, Casting::SameKind));
/// assert_eq!(Casting::default(), Casting::Safe);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Casting {
    /// The dtypes must be identical (NumPy `"no"`).
    No,
    /// Only casts that preserve every value of the source type (NumPy `"safe"`).
    #[default]
    Safe,
    /// Safe casts, or casts within the same kind or towards a higher kind (NumPy `"same_kind"`).
    SameKind,
    /// Any cast, with Rust `as` semantics (NumPy `"unsafe"`).
    Unsafe,
    /// Any cast, checked value by value: the first value that does not survive exactly is an error.
    Exact,
}

/// The dtypes this crate knows, with storage details (bool stores, `Flex32`) folded away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    U(u32),
    I(u32),
    F16,
    BF16,
    F32,
    F64,
}

impl Ty {
    /// The logical type of a Burn dtype; `None` for quantized dtypes.
    pub(crate) fn of(dtype: DType) -> Option<Ty> {
        Some(match dtype {
            DType::F64 => Ty::F64,
            DType::F32 | DType::Flex32 => Ty::F32,
            DType::F16 => Ty::F16,
            DType::BF16 => Ty::BF16,
            DType::I64 => Ty::I(64),
            DType::I32 => Ty::I(32),
            DType::I16 => Ty::I(16),
            DType::I8 => Ty::I(8),
            DType::U64 => Ty::U(64),
            DType::U32 => Ty::U(32),
            DType::U16 => Ty::U(16),
            DType::U8 => Ty::U(8),
            DType::Bool(_) => Ty::Bool,
            DType::QFloat(_) => return None,
        })
    }

    /// NumPy's kind order: bool < unsigned < signed < float.
    fn kind(self) -> u8 {
        match self {
            Ty::Bool => 0,
            Ty::U(_) => 1,
            Ty::I(_) => 2,
            Ty::F16 | Ty::BF16 | Ty::F32 | Ty::F64 => 3,
        }
    }

    /// Largest integer width whose every value this float type holds, as NumPy counts it
    /// (NumPy calls `int64 -> float64` safe although it rounds above 2^53).
    fn float_int_bits(self) -> u32 {
        match self {
            Ty::F16 | Ty::BF16 => 8,
            Ty::F32 => 16,
            Ty::F64 => 64,
            _ => 0,
        }
    }
}

fn safe(from: Ty, to: Ty) -> bool {
    use Ty::*;
    match (from, to) {
        _ if from == to => true,
        (Bool, _) => true,
        (_, Bool) => false,
        (U(a), U(b)) | (I(a), I(b)) => b >= a,
        (U(a), I(b)) => b > a,
        (I(_), U(_)) => false,
        (U(a) | I(a), f) => a <= f.float_int_bits(),
        (F16 | BF16, F32 | F64) | (F32, F64) => true,
        _ => false,
    }
}

/// Whether a cast from dtype `from` to dtype `to` is allowed under `casting`.
///
/// For every pair of dtypes NumPy has (bool, the eight integer types, f16, f32, f64) the
/// answer is the one `numpy.can_cast(from, to, casting)` gives; the test suite checks this
/// against a table NumPy itself generated. `bf16` follows the same principle: a cast is safe
/// exactly when every value of the source type is representable in the target, so only
/// bool, `i8` and `u8` cast safely to `bf16`, and `bf16` casts safely only to `f32` and `f64`.
///
/// Storage details do not matter: every `DType::Bool(_)` is bool and `Flex32` is `f32`.
/// [`Casting::Exact`] allows every pair here; its check happens on the values.
/// Quantized dtypes cast to nothing: dequantize them first.
///
/// ```
/// use burn_nd::{can_cast, Casting};
/// use burn::tensor::DType;
///
/// assert!(can_cast(DType::U8, DType::BF16, Casting::Safe));
/// assert!(!can_cast(DType::I16, DType::BF16, Casting::Safe));
/// assert!(can_cast(DType::U64, DType::I8, Casting::SameKind));
/// assert!(!can_cast(DType::I8, DType::U64, Casting::SameKind));
/// assert!(can_cast(DType::F32, DType::I8, Casting::Unsafe));
/// ```
pub fn can_cast(from: DType, to: DType, casting: Casting) -> bool {
    let (Some(from), Some(to)) = (Ty::of(from), Ty::of(to)) else {
        return false;
    };
    match casting {
        Casting::No => from == to,
        Casting::Safe => safe(from, to),
        Casting::SameKind => safe(from, to) || from.kind() <= to.kind(),
        Casting::Unsafe | Casting::Exact => true,
    }
}

/// NumPy's name for a dtype (`bfloat16` for bf16), used in error messages.
pub(crate) fn dtype_name(dtype: DType) -> String {
    match Ty::of(dtype) {
        Some(Ty::Bool) => "bool".into(),
        Some(Ty::U(b)) => format!("uint{b}"),
        Some(Ty::I(b)) => format!("int{b}"),
        Some(Ty::F16) => "float16".into(),
        Some(Ty::BF16) => "bfloat16".into(),
        Some(Ty::F32) => "float32".into(),
        Some(Ty::F64) => "float64".into(),
        None => format!("{dtype:?}"),
    }
}
