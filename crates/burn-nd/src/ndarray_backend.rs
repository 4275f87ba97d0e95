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

/// Reads a burn-ndarray tensor straight from its buffer. `None` for a buffer that Burn's own
/// read hands over without any copy (one nothing else shares, in standard layout), which the
/// caller should take that way instead.
pub(crate) fn read_copy<E: NdElement, Dm: Dimension>(
    tensor: &NdArrayTensor,
    exact: bool,
) -> Option<Result<Array<E, Dm>, Error>> {
    macro_rules! each {
        ($($v:ident),*) => {
            match tensor {
                $(NdArrayTensor::$v(storage) => {
                    let view = storage.view();
                    if storage.is_unique() && view.is_standard_layout() {
                        return None;
                    }
                    read_array(&view, exact)
                })*
            }
        };
    }
    Some(each!(F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, Bool))
}

/// Copies a burn-ndarray tensor's values into `out` (same shape) when it stores `E`s; `false`
/// when it stores another type.
pub(crate) fn copy_into<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    tensor: &NdArrayTensor,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    macro_rules! each {
        ($($v:ident),*) => {
            match tensor {
                $(NdArrayTensor::$v(storage) => assign_same(&storage.view(), out),)*
            }
        };
    }
    each!(F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, Bool)
}
