//! A direct read of tensors on Burn 0.22's `Device::libtorch()` (feature `tch-0-22`): burn-tch,
//! deprecated in 0.22 and gone in 0.23, stores a tensor as a libtorch tensor, as on 0.21, and a
//! CPU one is read the same way ([`tch_view`](crate::tch_view)): one copy or cast loop through
//! a view of its memory, where Burn's read makes three libtorch calls and two passes.
#![allow(deprecated)]

use burn::backend::libtorch::TchTensor;
use burn::backend::LibTorch;
use burn::tensor::{Tensor, TensorData};
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use crate::burn_0_22::to::NdKind;
use crate::{Error, NdElement};

/// Reads a libtorch tensor: one pass over a view of its memory on the CPU, or (`Err`) the data
/// Burn's own read gives for a tensor elsewhere (CUDA, Vulkan), which it copies to the host.
pub(crate) fn read<const D: usize, K: NdKind, E: NdElement, Dm: Dimension>(
    primitive: TchTensor,
    exact: bool,
) -> Result<Result<Array<E, Dm>, TensorData>, Error> {
    if let Some(read) = crate::tch_view::read_copy(&primitive.tensor, exact) {
        return read.map(Ok);
    }
    let tensor = Tensor::<D, K>::from_primitive::<LibTorch>(primitive);
    tensor.try_into_data().map(Err).map_err(Error::backend)
}

/// Copies a CPU libtorch tensor's values into `out` (same shape) when it stores `E`s; `false`
/// off the CPU, when it stores another type, or when its view is refused (a Bool byte that is
/// not 0 or 1; the caller's read then reports it).
pub(crate) fn copy_into<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    primitive: &TchTensor,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    crate::tch_view::copy_into(&primitive.tensor, out)
}
