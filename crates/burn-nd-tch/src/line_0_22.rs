//! burn-nd-tch on Burn 0.22: `FromNdarrayTch` for `Tensor<D, K>` on a libtorch device, plain or
//! `.autodiff()`. Views of libtorch memory are burn-nd's own `AsNdarrayView` on this line.
#![allow(deprecated)] // burn-tch is deprecated in Burn 0.22

use burn::backend::libtorch::TchTensor;
use burn::backend::{DispatchDevice, LibTorch};
use burn::tensor::{DType, Device, Tensor};
use burn_nd::{Error, NdKind};
use ndarray::{ArrayBase, Data, Dimension};

use crate::{sealed, upload, FromNdarrayTch, TorchElement};

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

impl<const D: usize, K: NdKind> FromNdarrayTch for Tensor<D, K> {
    type Device = Device;

    fn from_ndarray_tch<E, S, Dm>(array: &ArrayBase<S, Dm>, device: &Device) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension,
    {
        let kind = burn_nd::backend::burn_kind(K::name())?;
        burn_nd::backend::check_target(array.ndim(), D, kind, E::DTYPE, true)?;
        let tch_device = match device.clone().without_autodiff().as_dispatch() {
            DispatchDevice::LibTorch(d) => tch::Device::from(*d),
            _ => {
                return Err(Error::NotOnBackend {
                    backend: "burn-tch",
                    device: format!("{device:?}"),
                })
            }
        };
        // burn-tch 0.22 reports fewer dtypes than libtorch stores; a tensor of another one
        // would be refused by Burn's own upload too.
        if !device.supports_dtype(DType::from(E::DTYPE)) {
            return Err(Error::Unsupported {
                dtype: E::DTYPE,
                kind: K::name(),
            });
        }
        let on_device = upload(array, tch_device)?;
        let tensor = Tensor::<D, K>::from_primitive::<LibTorch>(TchTensor::new(on_device));
        // On an Autodiff device the tensor becomes a leaf (an O(1) wrap).
        Ok(if device.is_autodiff() {
            tensor.autodiff()
        } else {
            tensor
        })
    }
}
