//! [`NarrowRead`]: a read-back that narrows on the device first, written once for every Burn
//! line: which device casts give exactly what the host cast would ([`device_cast`]); each
//! line spells the cast in its own API.

use ndarray::ArrayD;

use crate::line::{BoolStore, Line};
use crate::{Casting, DTypeLike, Error, NdDType, NdElement};

/// Implemented by each Burn line for its Float and Bool tensors only.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Read-back that narrows on the device first when the target type is smaller, so fewer
/// bytes cross the bus: f32/f64 → f16 or bf16 (Float tensors), bool → u8 (Bool tensors).
///
/// The device cast is used only where its result is the one the host cast would give:
/// float → float rounding (round to nearest even, overflow to ±inf, NaN kept as a NaN, though
/// its payload bits may differ from the host cast's) and 0/1 bools,
/// only under [`Casting::SameKind`] / [`Casting::Unsafe`] (Exact needs the wide values to
/// check), and only when the backend supports the narrow dtype on the tensor's device. In
/// every other case this is [`ToNdarray::into_ndarray_dyn_with`](crate::ToNdarray::into_ndarray_dyn_with).
///
/// It pays where bytes cross a bus (a discrete GPU), and costs where they do not: on a CPU
/// adapter such as lavapipe the device cast is slower than the host's, so prefer
/// `to_ndarray_with` there (BENCHMARKS.md has the read-back measurements).
///
/// ```
/// use burn::tensor::{Bool, Device, Tensor};
/// use burn_nd::Casting;
/// use burn_nd::NarrowRead;
///
/// let b = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
/// assert_eq!(b.into_ndarray_narrow::<u8>(Casting::Safe)?.into_iter().collect::<Vec<_>>(), vec![1, 0]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait NarrowRead: sealed::Sealed + Sized {
    /// Consumes the tensor into an `ArrayD<E>`, narrowing on the device where that is exact
    /// to do (see the trait docs).
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::{half::f16, Casting};
    /// use burn_nd::NarrowRead;
    ///
    /// let t = Tensor::<1>::from_floats([0.1, 1e6], &Device::flex());
    /// let h = t.into_ndarray_narrow::<f16>(Casting::SameKind)?;
    /// assert_eq!(h[1], f16::INFINITY);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error>;
}

/// The dtype a tensor of the line `L`'s dtype `from`, read as `to` under `casting` (already
/// checked), is cast to on the device before its read-back, or `None` where the read stays as
/// it is: a float tensor (f32, f64, `Flex32`) read as f16 or bf16 under
/// [`Casting::SameKind`] / [`Casting::Unsafe`] (rounding on the device gives what the host
/// gives; `Exact` needs the wide values to check), and a bool tensor stored as `u32` read as
/// `u8` (0 and 1 survive any integer cast). The caller also checks that the device supports
/// the narrow dtype.
pub(crate) fn device_cast<L: Line>(
    from: L::DType,
    to: NdDType,
    casting: Casting,
) -> Option<NdDType> {
    let loose = matches!(casting, Casting::SameKind | Casting::Unsafe);
    let wide_float = matches!(from.as_nd_dtype(), Some(NdDType::F32 | NdDType::F64));
    match to {
        NdDType::F16 | NdDType::BF16 if wide_float && loose => Some(to),
        NdDType::U8 if L::bool_store(from) == Some(BoolStore::U32) => Some(NdDType::U8),
        _ => None,
    }
}
