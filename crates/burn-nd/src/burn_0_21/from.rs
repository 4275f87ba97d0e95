//! ndarray → Tensor on the Burn 0.21 line: [`FromNdarray`] for `Tensor<B, D, K>`.

use burn021::tensor::backend::Backend;
use burn021::tensor::{
    get_device_settings, AllocationProperty, BasicOps, Bytes, DType, Tensor, TensorData,
};
use ndarray::{ArrayBase, Data, Dimension};

use crate::base::array::logical_values;
use crate::base::dtype::burn_kind;
use crate::base::from::{check_target, sealed, shared_bytes, SharedBytes};
use crate::burn_0_21::data::slice_to_data;
use crate::{Casting, Error, FromNdarray, NdDType, NdElement};

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
        let dtype = match K::name() {
            "Float" => settings.float_dtype.into(),
            "Int" => settings.int_dtype.into(),
            _ => Self::bool_dtype(device),
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
        check_target(
            array.ndim(),
            D,
            burn_kind(K::name())?,
            dtype,
            B::supports_dtype(device, dtype),
        )?;
        let data = slice_to_data(logical_values(array)?, array.shape(), dtype, casting)?;
        // `data.dtype` is `dtype` (f32 for Flex32), so Burn converts nothing, except
        // f32 → Flex32, a float-to-float cast that cannot panic.
        Ok(Tensor::from_data(data, (device, dtype)))
    }

    fn from_shared_bytes(
        bytes: bytes::Bytes,
        shape: &[usize],
        dtype: NdDType,
        device: &B::Device,
    ) -> Result<Self, Error> {
        let target = match dtype {
            NdDType::Bool => Self::bool_dtype(device),
            dtype => DType::from(dtype),
        };
        check_target(
            shape.len(),
            D,
            burn_kind(K::name())?,
            target,
            B::supports_dtype(device, target),
        )?;
        let bytes = match shared_bytes(bytes, shape, dtype)? {
            SharedBytes::Bool(values) => {
                return Self::from_ndarray_as(&values, device, target, Casting::No)
            }
            SharedBytes::Keep(bytes) => Bytes::from_shared(bytes, AllocationProperty::Other),
            SharedBytes::Aligned(bytes) => Bytes::from_bytes_vec(bytes),
        };
        // The bytes are `target`'s (checked above), so Burn converts nothing: a backend
        // that keeps host bytes (burn-flex, burn-ndarray) keeps these.
        let data = TensorData::from_bytes(bytes, shape.to_vec(), target);
        Ok(Tensor::from_data(data, (device, target)))
    }
}
