//! Direct reads of the backends whose tensor memory the host can address (features `ndarray`
//! and `tch`): one copy or cast loop from the tensor's own memory, where Burn's read-back of a
//! shared burn-ndarray tensor walks it element by element, and that of a burn-tch tensor makes
//! three libtorch calls and two passes over the output.

use core::any::Any;

use burn::tensor::backend::Backend;
use burn::tensor::TensorPrimitive;
use ndarray::{Array, Dimension};

use crate::{Casting, Error, NdElement};

/// The backend tensor of type `T` inside a primitive of any kind: the primitive itself for Int
/// and Bool, the one inside [`TensorPrimitive::Float`] for Float. `None` on other backends.
fn downcast<B: Backend, P: 'static, T: 'static>(primitive: &P) -> Option<&T> {
    let any: &dyn Any = primitive;
    if let Some(t) = any.downcast_ref::<T>() {
        return Some(t);
    }
    match any.downcast_ref::<TensorPrimitive<B>>()? {
        TensorPrimitive::Float(t) => (t as &dyn Any).downcast_ref::<T>(),
        TensorPrimitive::QFloat(_) => None,
    }
}

/// Reads a primitive straight from its memory, casting under `casting` (already checked on the
/// tensor's logical dtype). `None` where the caller should use Burn's own read instead: other
/// backends, a burn-ndarray buffer that read hands over with no copy, a tch tensor off the CPU.
pub(crate) fn read_copy<B: Backend, P: 'static, E: NdElement, Dm: Dimension>(
    primitive: &P,
    casting: Casting,
) -> Option<Result<Array<E, Dm>, Error>> {
    let exact = casting == Casting::Exact;
    #[cfg(feature = "ndarray")]
    if let Some(tensor) = downcast::<B, P, burn_ndarray::NdArrayTensor>(primitive) {
        return crate::ndarray_backend::read_copy(tensor, exact);
    }
    #[cfg(feature = "tch")]
    if let Some(tensor) = downcast::<B, P, burn_tch::TchTensor>(primitive) {
        return crate::tch_backend::read_copy(&tensor.tensor, exact);
    }
    None
}
