//! The checks every conversion runs before it reads or builds anything, each an [`Error`]
//! naming what is wrong: a cast `casting` forbids, a quantized dtype, a Burn kind burn-nd does
//! not know.

use crate::{can_cast, Casting, DTypeLike, Error, NdDType, TensorKind};

/// Fails unless `from` may be cast to `to` under `casting`: [`Error::Quantized`] for a quantized
/// `from`, [`Error::QuantizedTarget`] for a quantized `to`, [`Error::Casting`] where
/// [`can_cast`] says no. Read paths call it before touching the device, so a forbidden cast
/// costs no read-back.
///
/// ```
/// use burn::tensor::DType;
/// use burn_nd::backend::check_cast;
/// use burn_nd::{Casting, Error};
///
/// assert!(check_cast(DType::I32, DType::I64, Casting::Safe).is_ok());
/// assert!(matches!(check_cast(DType::F32, DType::I32, Casting::Safe), Err(Error::Casting { .. })));
/// // A quantized dtype is no cast target: quantize with Burn after converting.
/// let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
/// let err = check_cast(DType::F32, q, Casting::Unsafe).unwrap_err();
/// assert!(matches!(err, Error::QuantizedTarget { .. }));
/// assert!(err.to_string().starts_with("cannot convert to the quantized dtype"));
/// ```
pub fn check_cast(from: impl DTypeLike, to: impl DTypeLike, casting: Casting) -> Result<(), Error> {
    let nd_from = logical_dtype(from)?;
    let nd_to = target_dtype(to)?;
    // Every mode allows a dtype to itself; the shortcut keeps the common read cheap.
    if nd_from == nd_to || can_cast(nd_from, nd_to, casting) {
        Ok(())
    } else {
        Err(Error::Casting {
            from: nd_from,
            to: nd_to,
            casting,
        })
    }
}

/// The [`TensorKind`] of a Burn kind, from its `K::name()`: [`Error::Backend`] for a name
/// that is none of Burn's three (a kind Burn added after this release).
///
/// ```
/// use burn_nd::backend::burn_kind;
///
/// assert_eq!(burn_kind("Int")?, burn_nd::TensorKind::Int); // `Int::name()` in Burn
/// assert!(burn_kind("Complex").is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn burn_kind(name: &'static str) -> Result<TensorKind, Error> {
    TensorKind::from_name(name).ok_or_else(|| {
        Error::backend(std::io::Error::other(format!(
            "Burn tensor kind {name} is not Float, Int or Bool"
        )))
    })
}

/// The dtype a tensor of `dtype` holds, or [`Error::Quantized`] for a quantized one (which
/// burn-nd reads only once dequantized).
///
/// ```
/// use burn::tensor::{BoolStore, DType};
/// use burn_nd::backend::logical_dtype;
/// use burn_nd::NdDType;
///
/// assert_eq!(logical_dtype(DType::Bool(BoolStore::U32))?, NdDType::Bool);
/// let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
/// assert!(matches!(logical_dtype(q), Err(burn_nd::Error::Quantized { .. })));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn logical_dtype(dtype: impl DTypeLike) -> Result<NdDType, Error> {
    dtype.as_nd_dtype().ok_or_else(|| Error::quantized(&dtype))
}

/// The dtype a cast to `dtype` produces, or [`Error::QuantizedTarget`] for a quantized one
/// (burn-nd converts between plain dtypes only).
pub(crate) fn target_dtype(dtype: impl DTypeLike) -> Result<NdDType, Error> {
    dtype
        .as_nd_dtype()
        .ok_or_else(|| Error::quantized_target(&dtype))
}
