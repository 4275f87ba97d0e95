//! A direct read of tensors on Burn 0.22's `Device::ndarray()` (feature `ndarray-0-22`):
//! burn-ndarray, deprecated in 0.22 and gone in 0.23, stores tensors as on 0.21, and is read
//! the same way (`ndarray_storage_reads!`): one copy or cast loop through a view of the buffer.
#![allow(deprecated)]

use burn::backend::ndarray as burn_ndarray22;
use burn::backend::NdArray;
use burn::tensor::{Tensor, TensorData};
use ndarray::{Array, Dimension};

use crate::burn_0_22::to::NdKind;
use crate::{Error, NdElement};

ndarray_storage_reads!(burn_ndarray22);

/// Reads a burn-ndarray tensor: one pass over a view of its buffer, or (`Err`) the data
/// Burn's own read hands over without a copy for a unique buffer in standard layout.
pub(crate) fn read<const D: usize, K: NdKind, E: NdElement, Dm: Dimension>(
    primitive: burn_ndarray22::NdArrayTensor,
    exact: bool,
) -> Result<Result<Array<E, Dm>, TensorData>, Error> {
    if let Some(read) = read_copy(&primitive, exact) {
        return read.map(Ok);
    }
    let tensor = Tensor::<D, K>::from_primitive::<NdArray>(primitive);
    tensor.try_into_data().map(Err).map_err(Error::backend)
}
