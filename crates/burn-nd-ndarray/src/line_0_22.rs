//! `ShareNdarray` on Burn 0.22: `Tensor<D, K>` on `Device::ndarray()` and its `.autodiff()`.
//! Burn 0.22's burn-ndarray stores tensors as 0.21's does, and its primitive is reached through
//! burn's `extension` API (`without_autodiff`, `try_into_primitive`, `from_primitive`).
#![allow(deprecated)] // burn-ndarray is deprecated in Burn 0.22

use burn::backend::NdArray;
use burn::tensor::Tensor;
use burn_nd::backend::logical_dtype;
use burn_nd::{Error, NdKind};
use ndarray::{ArcArray, Dimension, IxDyn};

use crate::{sealed, NativeElement, ShareNdarray};

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

/// An `Autodiff` tensor shares the buffer of the values it holds (`without_autodiff()`, which
/// drops the graph); a tensor made from an array is on the plain device.
///
/// ```
/// # #![allow(deprecated)]
/// use burn::tensor::{Device, Tensor};
/// use burn_nd_ndarray::ShareNdarray;
///
/// let device = Device::ndarray().autodiff();
/// let x = Tensor::<1>::from_floats([1.0, 2.0], &device).require_grad();
/// let y = x.clone() * 3.0;
/// let values = y.to_arcarray::<f32>()?;
/// assert_eq!(values, ndarray::arr1(&[3.0, 6.0]).into_dyn());
/// let back = Tensor::<1>::from_arcarray(values)?.autodiff();
/// assert!(back.is_autodiff() && !back.is_require_grad());
/// # Ok::<_, burn_nd::Error>(())
/// ```
impl<const D: usize, K: NdKind> ShareNdarray for Tensor<D, K> {
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error> {
        let stored = logical_dtype(self.dtype())?;
        if stored != E::DTYPE {
            return Err(Error::DtypeMismatch {
                stored,
                requested: E::DTYPE,
            });
        }
        let device = self.device();
        // An Autodiff tensor's values are its inner tensor's (an O(1) unwrap); the downcast
        // moves the primitive out, so the buffer stays unique if it was.
        let primitive = self
            .without_autodiff()
            .try_into_primitive::<NdArray>()
            .map_err(|_| Error::NotOnBackend {
                backend: "burn-ndarray",
                device: format!("{device:?}"),
            })?;
        // The dtype was checked, so this takes the array unless burn-ndarray stores this
        // dtype as another variant.
        E::take_0_22(primitive).map_err(|_| Error::DtypeMismatch {
            stored,
            requested: E::DTYPE,
        })
    }

    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error> {
        let kind = burn_nd::backend::burn_kind(K::name())?;
        burn_nd::backend::check_target(array.ndim(), D, kind, E::DTYPE, true)?;
        Ok(Tensor::from_primitive::<NdArray>(E::wrap_0_22(
            array.into_dyn(),
        )))
    }
}
