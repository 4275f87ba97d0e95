//! Burn 0.21's burn-tch tensors (feature `tch`): how each kind's primitive holds a
//! `TchTensor`, and the one inside an `Autodiff<LibTorch>` tensor, for the direct read in
//! [`tch_view`](crate::tch_view).

use burn021::tensor::{Bool, Float, Int, TensorMetadata, TensorPrimitive};
use burn_tch::{LibTorch, TchElement, TchTensor};

use crate::burn_0_21::direct::autodiff_inner_of;
use crate::Error;

mod sealed {
    pub trait Kind {}
}

/// The inner burn-tch tensor of an `Autodiff<LibTorch<F>>` Float primitive, for each float
/// type burn-tch takes.
pub(crate) fn autodiff_inner<T: 'static>(any: &dyn core::any::Any) -> Option<&T> {
    use burn_tch::LibTorch;
    autodiff_inner_of!(any, T; LibTorch<f32>, LibTorch<f64>, LibTorch<half::f16>, LibTorch<half::bf16>)
}

/// How each tensor kind wraps burn-tch's one primitive type.
pub trait TchKind<F: TchElement>: burn021::tensor::BasicOps<LibTorch<F>> + sealed::Kind {
    /// The primitive's libtorch tensor.
    #[doc(hidden)]
    fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error>;
    /// Wraps a libtorch tensor as this kind's primitive.
    #[doc(hidden)]
    fn wrap(tensor: TchTensor) -> Self::Primitive;
}

impl sealed::Kind for Float {}
impl sealed::Kind for Int {}
impl sealed::Kind for Bool {}

impl<F: TchElement> TchKind<F> for Float {
    fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error> {
        match primitive {
            TensorPrimitive::Float(t) => Ok(t),
            TensorPrimitive::QFloat(q) => Err(Error::quantized(&q.dtype())),
        }
    }
    fn wrap(tensor: TchTensor) -> Self::Primitive {
        TensorPrimitive::Float(tensor)
    }
}

/// Int and Bool tensors use the libtorch tensor as it is.
macro_rules! plain_kind {
    ($($kind:ty),*) => {$(
        impl<F: TchElement> TchKind<F> for $kind {
            fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error> {
                Ok(primitive)
            }
            fn wrap(tensor: TchTensor) -> Self::Primitive {
                tensor
            }
        }
    )*};
}
plain_kind!(Int, Bool);
