//! A direct read of burn-ndarray tensors (feature `ndarray`, on by default).
//!
//! Burn's own `into_data` hands a unique contiguous buffer over for free, but copies any other
//! tensor (one whose buffer is shared with a clone, as every `to_ndarray(&self)` is, or one
//! with permuted strides) element by element through an `IxDyn` iterator, several times
//! slower than a copy (BENCHMARKS.md). Here such a tensor is read through a view of its
//! buffer instead: one `memcpy` (or one cast loop) into a fresh, huge-page-backed array.

use burn_ndarray::NdArrayTensor;
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use crate::data::{assign_same, read_array};
use crate::{Error, NdElement};

/// `$body` with `$storage` bound to the tensor's storage, whatever its element type.
macro_rules! with_storage {
    ($tensor:expr, $storage:ident => $body:expr) => {
        with_storage!(@variants $tensor, $storage => $body;
            F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, Bool)
    };
    (@variants $tensor:expr, $storage:ident => $body:expr; $($v:ident),*) => {
        match $tensor {
            $(NdArrayTensor::$v($storage) => $body,)*
        }
    };
}

/// Reads a burn-ndarray tensor straight from its buffer. `None` for a buffer that Burn's own
/// read hands over without any copy (one nothing else shares, in standard layout), which the
/// caller should take that way instead.
pub(crate) fn read_copy<E: NdElement, Dm: Dimension>(
    tensor: &NdArrayTensor,
    exact: bool,
) -> Option<Result<Array<E, Dm>, Error>> {
    with_storage!(tensor, storage => {
        let view = storage.view();
        if storage.is_unique() && view.is_standard_layout() {
            return None;
        }
        Some(read_array(&view, exact))
    })
}

/// Copies a burn-ndarray tensor's values into `out` (same shape) when it stores `E`s; `false`
/// when it stores another type.
pub(crate) fn copy_into<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    tensor: &NdArrayTensor,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    with_storage!(tensor, storage => assign_same(&storage.view(), out))
}
