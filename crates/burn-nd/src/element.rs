//! Element types, their exact values, and the per-element cast rules.

use core::any::TypeId;
use core::fmt;

use crate::NdDType;

mod sealed {
    pub trait Sealed {}
}

/// The exact numeric value of one element of any supported type.
///
/// Every element maps into a `Value` without loss: integers (and bool as 0/1) into
/// [`Value::Int`], floats into [`Value::Float`]. Two values are equal when they are the same
/// number; NaN equals NaN, and `-0.0` equals `0` (the comparison is numeric, not bitwise).
/// [`Casting::Exact`](crate::Casting::Exact) accepts a cast when the value that comes out
/// equals the value that went in.
///
/// ```
/// use burn_nd::backend::Value;
/// use burn_nd::NdElement;
///
/// assert_eq!(3u8.to_value(), Value::Int(3));
/// assert_eq!(3.0f32.to_value(), Value::Int(3));
/// assert_ne!(2.5f64.to_value(), Value::Int(2));
/// assert_eq!(f32::NAN.to_value(), Value::Float(f64::NAN));
/// assert_eq!(Value::Float(2.5).to_string(), "2.5");
/// assert_eq!(Value::Float(1e300).to_string(), "1e+300");
/// assert_eq!(Value::Float(f32::from_bits(1).into()).to_string(), "1.401298464324817e-45");
/// assert_eq!(Value::Float(0.0001).to_string(), "0.0001");
/// assert_eq!(Value::Float(1e-5).to_string(), "1e-05");
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// An integer or a bool (0 or 1).
    Int(i128),
    /// A floating-point number, widened to `f64` (exact for f16, bf16 and f32).
    Float(f64),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (*self, *other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
                // Every float of magnitude below 2^127 with no fraction is exactly an i128.
                f.fract() == 0.0 && f.abs() < 1.7e38 && f as i128 == i
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => {
                // Shortest round-trip digits, positional or with an exponent by Python's
                // `repr` rule (an exponent below -4 or from 16 up): `1e+300`, not 301 digits.
                let sci = format!("{x:e}");
                match sci.split_once('e').map(|(m, e)| (m, e.parse::<i32>())) {
                    Some((mantissa, Ok(exp))) if x.is_finite() && !(-4..16).contains(&exp) => {
                        let sign = if exp < 0 { '-' } else { '+' };
                        write!(f, "{mantissa}e{sign}{:02}", exp.unsigned_abs())
                    }
                    _ => write!(f, "{x}"),
                }
            }
        }
    }
}

/// An element type that converts to and from Burn tensors: `f32`, `f64`,
/// [`f16`](half::f16), [`bf16`](half::bf16), `i8`, `i16`, `i32`, `i64`, `u8`, `u16`, `u32`,
/// `u64` and `bool`.
///
/// The trait is sealed. Its two methods define the one cast rule this crate uses for
/// [`Casting::Unsafe`](crate::Casting::Unsafe), which is Rust's `as` for every pair:
///
/// | from → to | result |
/// |---|---|
/// | float → int | truncated toward zero, saturated at the target's MIN/MAX; NaN → 0 |
/// | int → int | wraps (two's complement), like `as` |
/// | int or float → float | rounded to nearest, ties to even; overflow → ±inf; NaN stays NaN |
/// | anything → bool | `value != 0` (so NaN → true, `-0.0` → false) |
/// | bool → number | 0 or 1 |
///
/// Conversions to f16 and bf16 round once, correctly, from the exact source value.
/// The safe modes only allow casts where this rule loses nothing.
///
/// ```
/// use burn_nd::NdElement;
/// use burn_nd::half::f16;
///
/// assert_eq!(i8::from_value((-1.9f32).to_value()), -1);
/// assert_eq!(u8::from_value(300i32.to_value()), 44);
/// assert_eq!(i32::from_value(f64::NAN.to_value()), 0);
/// assert_eq!(i16::from_value(1e9f64.to_value()), i16::MAX);
/// assert!(bool::from_value(f32::NAN.to_value()));
/// assert_eq!(f16::from_value(70000.0f32.to_value()), f16::INFINITY);
/// ```
pub trait NdElement:
    bytemuck::NoUninit
    + bytemuck::CheckedBitPattern
    + Copy
    + Send
    + Sync
    + fmt::Debug
    + 'static
    + sealed::Sealed
{
    /// The dtype of this element type; it compares equal to Burn's `DType` of the same name
    /// (`bool` to every `DType::Bool(_)`).
    ///
    /// ```
    /// use burn_nd::{NdDType, NdElement};
    /// use burn::tensor::DType;
    ///
    /// assert_eq!(<u16 as NdElement>::DTYPE, NdDType::U16);
    /// assert_eq!(<u16 as NdElement>::DTYPE, DType::U16);
    /// ```
    const DTYPE: NdDType;

    /// The exact value of this element.
    ///
    /// ```
    /// use burn_nd::backend::Value;
    /// use burn_nd::NdElement;
    /// use burn_nd::half::bf16;
    ///
    /// assert_eq!(bf16::from_f32(0.5).to_value(), Value::Float(0.5));
    /// assert_eq!(true.to_value(), Value::Int(1));
    /// ```
    fn to_value(self) -> Value;

    /// The element nearest to `value` under Rust `as` semantics (see the table above).
    ///
    /// ```
    /// use burn_nd::backend::Value;
    /// use burn_nd::NdElement;
    ///
    /// assert_eq!(u8::from_value(Value::Int(-1)), 255);
    /// assert_eq!(f32::from_value(Value::Int(16_777_217)), 16_777_216.0);
    /// ```
    fn from_value(value: Value) -> Self;
}

/// `NdElement` for one entry of the dtype list, by its kind: primitive numbers convert with
/// `as` both ways; f16 and bf16 round correctly from the exact value; bool is 0 or 1.
/// `element_impls!` (no arguments, from [`dtypes`]) gives every entry its impl.
macro_rules! element_impls {
    ([$($v:ident: $t:ty, $kind:ident, $bits:literal, $name:literal;)*]) => {
        $(element_impls!($v, $t, $kind);)*
    };
    ($v:ident, $t:ty, float) => {
        element_impls!(@as $v, $t, Float(f64));
    };
    ($v:ident, $t:ty, int) => {
        element_impls!(@as $v, $t, Int(i128));
    };
    ($v:ident, $t:ty, uint) => {
        element_impls!(@as $v, $t, Int(i128));
    };
    (@as $v:ident, $t:ty, $variant:ident($wide:ty)) => {
        impl sealed::Sealed for $t {}
        impl NdElement for $t {
            const DTYPE: NdDType = NdDType::$v;
            #[inline(always)]
            fn to_value(self) -> Value {
                Value::$variant(self as $wide)
            }
            #[inline(always)]
            fn from_value(value: Value) -> Self {
                match value {
                    Value::Int(i) => i as $t,
                    Value::Float(f) => f as $t,
                }
            }
        }
    };
    ($v:ident, $t:ty, half) => {
        impl sealed::Sealed for $t {}
        impl NdElement for $t {
            const DTYPE: NdDType = NdDType::$v;
            #[inline(always)]
            fn to_value(self) -> Value {
                Value::Float(self.to_f64())
            }
            #[inline(always)]
            fn from_value(value: Value) -> Self {
                // Rounding to odd at f32 (13+ spare bits) and then to nearest at half precision
                // gives the correctly rounded result; going through f64 with `half`'s own
                // `from_f64` would drop the sticky bits below f32 precision.
                <$t>::from_f32(match value {
                    Value::Int(i) => int_to_f32_round_odd(i),
                    Value::Float(f) => f64_to_f32_round_odd(f),
                })
            }
        }
    };
    ($v:ident, $t:ty, bool) => {
        impl sealed::Sealed for $t {}
        impl NdElement for $t {
            const DTYPE: NdDType = NdDType::$v;
            #[inline(always)]
            fn to_value(self) -> Value {
                Value::Int(self as i128)
            }
            #[inline(always)]
            fn from_value(value: Value) -> Self {
                match value {
                    Value::Int(i) => i != 0,
                    Value::Float(f) => f != 0.0,
                }
            }
        }
    };
}

dtypes!(element_impls);

/// Rounds `x` to f32 toward zero and sets the last mantissa bit when that was inexact.
fn f64_to_f32_round_odd(x: f64) -> f32 {
    let nearest = x as f32;
    if x.is_nan() || nearest as f64 == x {
        return nearest;
    }
    let mut bits = nearest.to_bits();
    if (nearest as f64).abs() > x.abs() {
        bits -= 1; // one step toward zero (nearest is non-zero here)
    }
    f32::from_bits(bits | 1)
}

/// Integer counterpart of [`f64_to_f32_round_odd`]; inputs are below 2^64 in magnitude.
fn int_to_f32_round_odd(i: i128) -> f32 {
    let nearest = i as f32;
    let back = nearest as i128;
    if back == i {
        return nearest;
    }
    let mut bits = nearest.to_bits();
    if back.unsigned_abs() > i.unsigned_abs() {
        bits -= 1;
    }
    f32::from_bits(bits | 1)
}

/// `src` as a slice of `D` when `S` and `D` are the same type.
pub(crate) fn same_type<S: 'static, D: 'static>(src: &[S]) -> Option<&[D]> {
    if TypeId::of::<S>() == TypeId::of::<D>() {
        // SAFETY: `S` and `D` are the same type, so this reinterprets the slice as itself:
        // same pointer, length, alignment and lifetime.
        Some(unsafe { core::slice::from_raw_parts(src.as_ptr().cast::<D>(), src.len()) })
    } else {
        None
    }
}

/// `value` as a `D` when `S` and `D` are the same type.
pub(crate) fn same_value<S: 'static, D: 'static>(value: &S) -> Option<&D> {
    same_type::<S, D>(core::slice::from_ref(value)).and_then(<[D]>::first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::{bf16, f16};

    #[test]
    fn same_type_reinterprets_only_identical_types() {
        let v = [1u32, 2, 3];
        assert_eq!(same_type::<u32, u32>(&v), Some(&v[..]));
        assert_eq!(same_type::<u32, i32>(&v), None);
        let b = [true, false];
        assert_eq!(same_type::<bool, bool>(&b), Some(&b[..]));
    }

    // Exact powers of two as literals: `powi` is not guaranteed exact (Miri perturbs it).
    const P2_M8: f64 = 1.0 / 256.0;
    const P2_M45: f64 = 1.0 / 35_184_372_088_832.0;

    #[test]
    fn half_rounding_is_correct_where_f64_truncation_is_not() {
        // bf16's ulp at 1 is 2^-7, so 1 + 2^-8 is a tie. 2^-45 above it lies in the low 32
        // mantissa bits of the f64, which `bf16::from_f64` drops before rounding.
        let x = 1.0 + P2_M8 + P2_M45;
        assert_eq!(
            bf16::from_value(Value::Float(x)),
            bf16::from_f32(1.0 + (1.0 / 128.0))
        );
        // A plain tie rounds to even (down to 1.0).
        let tie = 1.0 + P2_M8;
        assert_eq!(bf16::from_value(Value::Float(tie)), bf16::ONE);
        // Integers above 2^53: 2^62 + 2^54 + 1 is above the bf16 tie at 2^62 + 2^54.
        let i: i128 = (1 << 62) + (1 << 54) + 1;
        assert_eq!(
            bf16::from_value(Value::Int(i)).to_f64(),
            (1u64 << 62) as f64 + (1u64 << 55) as f64
        );
        // Overflow and tiny values.
        assert_eq!(f16::from_value(Value::Float(1e300)), f16::INFINITY);
        assert_eq!(bf16::from_value(Value::Float(-1e300)), bf16::NEG_INFINITY);
        assert_eq!(f16::from_value(Value::Float(1e-300)), f16::ZERO);
        assert!(f16::from_value(Value::Float(f64::NAN)).is_nan());
    }

    #[test]
    fn exact_values_compare_numerically() {
        assert_eq!(Value::Float(-0.0), Value::Int(0));
        assert_ne!(
            Value::Float(18_446_744_073_709_551_616.0),
            Value::Int(u64::MAX as i128)
        );
        assert_ne!(Value::Float(f64::INFINITY), Value::Int(i64::MAX as i128));
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_ne!(Value::Float(f64::NAN), Value::Int(0));
    }
}
