//! A direct read of burn-ndarray tensors (feature `ndarray`, on by default).
//!
//! Burn's own `into_data` hands a unique contiguous buffer over for free, but copies any other
//! tensor (one whose buffer is shared with a clone, as every `to_ndarray(&self)` is, or one
//! with permuted strides) element by element through an `IxDyn` iterator: ten times slower
//! than a copy (`../shared/perf-notes.md`). Here such a tensor is read through a view of its
//! buffer instead: one `memcpy` (or one cast loop) into a fresh, huge-page-backed array.

use core::any::Any;

use burn::tensor::backend::Backend;
use burn::tensor::TensorPrimitive;
use burn_ndarray::NdArrayTensor;
use ndarray::{Array, Dimension};

use crate::data::cast_array;
use crate::{Casting, Error, NdElement};

/// The burn-ndarray tensor inside a primitive of any kind, if the backend is burn-ndarray.
fn as_ndarray<B: Backend, P: 'static>(primitive: &P) -> Option<&NdArrayTensor> {
    let any: &dyn Any = primitive;
    if let Some(t) = any.downcast_ref::<NdArrayTensor>() {
        return Some(t); // Int and Bool primitives
    }
    match any.downcast_ref::<TensorPrimitive<B>>()? {
        TensorPrimitive::Float(t) => (t as &dyn Any).downcast_ref::<NdArrayTensor>(),
        TensorPrimitive::QFloat(_) => None,
    }
}

/// Reads a burn-ndarray primitive straight from its buffer. `None` for other backends, and
/// for a buffer that Burn's own read hands over without any copy (one nothing else shares,
/// in standard layout), which the caller should take that way instead.
pub(crate) fn read_copy<B: Backend, P: 'static, E: NdElement, Dm: Dimension>(
    primitive: &P,
    casting: Casting,
) -> Option<Result<Array<E, Dm>, Error>> {
    macro_rules! each {
        ($($v:ident),*) => {
            match as_ndarray::<B, P>(primitive)? {
                $(NdArrayTensor::$v(storage) => {
                    let view = storage.view();
                    if storage.is_unique() && view.is_standard_layout() {
                        return None;
                    }
                    cast_array(&view, casting)
                })*
            }
        };
    }
    Some(each!(F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, Bool))
}
