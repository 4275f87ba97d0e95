//! NumPy casting modes and the dtype-level rule [`can_cast`].

use crate::{DTypeKind, DTypeLike, NdDType};

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

/// NumPy's "safe" rule: every value of `from` is representable in `to`.
fn safe(from: NdDType, to: NdDType) -> bool {
    use DTypeKind::*;
    if from == to {
        return true;
    }
    let (a, b) = (from.bits(), to.bits());
    match (from.kind(), to.kind()) {
        (Bool, _) => true,
        (_, Bool) => false,
        (Uint, Uint) | (Int, Int) => b >= a,
        (Uint, Int) => b > a,
        (Int, Uint) => false,
        // The widest integers whose every value a float holds, as NumPy counts it (NumPy calls
        // `int64 -> float64` safe although it rounds above 2^53): f16 and bf16 hold 8 bits,
        // f32 16, f64 64.
        (Uint | Int, Float) => a <= if b == 64 { 64 } else { b / 2 },
        // f16 and bf16 hold values the other does not; each widens safely to f32 and f64.
        (Float, Float) => b > a,
        (Float, _) => false,
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
/// Either argument may be an [`NdDType`] or a Burn `DType`. Storage details do not matter:
/// every Burn `DType::Bool(_)` is bool and `Flex32` is `f32`.
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
pub fn can_cast(from: impl DTypeLike, to: impl DTypeLike, casting: Casting) -> bool {
    let (Some(from), Some(to)) = (from.as_nd_dtype(), to.as_nd_dtype()) else {
        return false;
    };
    match casting {
        Casting::No => from == to,
        Casting::Safe => safe(from, to),
        Casting::SameKind => safe(from, to) || from.kind() <= to.kind(),
        Casting::Unsafe | Casting::Exact => true,
    }
}
