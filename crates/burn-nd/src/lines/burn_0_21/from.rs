//! ndarray → Tensor on the Burn 0.21 line: [`FromNdarray`] for `Tensor<B, D, K>`.

use burn021::tensor::backend::Backend;
use burn021::tensor::{get_device_settings, BasicOps, DType, Tensor};
use ndarray::{ArrayBase, Data, Dimension};

use super::data::Line021;
use crate::check::burn_kind;
use crate::convert::from::{ndarray_data, sealed, shared_data, shared_target, SharedData};
use crate::{Casting, Error, FromNdarray, NdDType, NdElement, TensorKind};

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<B: Backend, const D: usize, K: BasicOps<B>> FromNdarray for Tensor<B, D, K> {
    type Device = B::Device;
    type DType = DType;

    fn bool_dtype(device: &B::Device) -> DType {
        get_device_settings::<B>(device).bool_dtype.into()
    }

    fn from_ndarray<A, S, Dm>(array: &ArrayBase<S, Dm>, device: &B::Device) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        let settings = get_device_settings::<B>(device);
        let dtype = match burn_kind(K::name())? {
            TensorKind::Float => settings.float_dtype.into(),
            TensorKind::Int => settings.int_dtype.into(),
            TensorKind::Bool => Self::bool_dtype(device),
        };
        Self::from_ndarray_as(array, device, dtype, Casting::Unsafe)
    }

    fn from_ndarray_as<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &B::Device,
        dtype: DType,
        casting: Casting,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        let supported = B::supports_dtype(device, dtype);
        let data =
            ndarray_data::<Line021, _, _, _>(array, D, K::name(), dtype, supported, casting)?;
        Ok(Tensor::from_data(data, (device, dtype)))
    }

    fn from_shared_bytes(
        bytes: bytes::Bytes,
        shape: &[usize],
        dtype: NdDType,
        device: &B::Device,
    ) -> Result<Self, Error> {
        let target = shared_target::<Line021>(dtype, Self::bool_dtype(device));
        let supported = B::supports_dtype(device, target);
        match shared_data::<Line021>(bytes, shape, dtype, D, K::name(), target, supported)? {
            SharedData::Bool(values) => Self::from_ndarray_as(&values, device, target, Casting::No),
            SharedData::Data(data) => Ok(Tensor::from_data(data, (device, target))),
        }
    }
}
