//! A direct read of burn-ndarray tensors (feature `ndarray`, on by default).
//!
//! Burn's own `into_data` hands a unique contiguous buffer over for free, but copies any other
//! tensor (one whose buffer is shared with a clone, as every `to_ndarray(&self)` is, or one
//! with permuted strides) element by element through an `IxDyn` iterator, several times
//! slower than a copy (BENCHMARKS.md). Here such a tensor is read through a view of its
//! buffer instead: one `memcpy` (or one cast loop) into a fresh, huge-page-backed array.

use burn021::tensor::{Bool, Float, Int, TensorPrimitive};
use burn_ndarray::{FloatNdArrayElement, IntNdArrayElement, NdArray, NdArrayTensor, QuantElement};
use ndarray::{ArcArray, IxDyn};

use crate::burn_0_21::direct::autodiff_inner_of;
use crate::Error;

mod sealed {
    pub trait Kind {}
}

// `read_copy` and `copy_into` over burn-ndarray 0.21's `NdArrayTensor`.
ndarray_storage_reads!(burn_ndarray);

/// The inner burn-ndarray tensor of an `Autodiff<NdArray<F, I>>` Float primitive, for every
/// float and int element type burn-ndarray takes.
pub(crate) fn autodiff_inner<T: 'static>(any: &dyn core::any::Any) -> Option<&T> {
    use burn_ndarray::NdArray;
    macro_rules! with_ints {
        ($($float:ty),*) => {
            autodiff_inner_of!(any, T; $(
                NdArray<$float, i64>, NdArray<$float, i32>, NdArray<$float, i16>,
                NdArray<$float, i8>, NdArray<$float, u64>, NdArray<$float, u32>,
                NdArray<$float, u16>, NdArray<$float, u8>,
            )*)
        };
    }
    with_ints!(f32, f64)
}

/// How each tensor kind wraps burn-ndarray's one primitive type.
pub trait NdArrayKind<F, I, Q>: burn021::tensor::BasicOps<NdArray<F, I, Q>> + sealed::Kind
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
{
    /// The primitive's array; [`Error::Quantized`] for a quantized tensor, which has none.
    #[doc(hidden)]
    fn unwrap(primitive: Self::Primitive) -> Result<NdArrayTensor, Error>;
    /// Wraps an array as this kind's primitive.
    #[doc(hidden)]
    fn wrap(tensor: NdArrayTensor) -> Self::Primitive;
}

impl sealed::Kind for Float {}
impl sealed::Kind for Int {}
impl sealed::Kind for Bool {}

impl<F, I, Q> NdArrayKind<F, I, Q> for Float
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
{
    fn unwrap(primitive: Self::Primitive) -> Result<NdArrayTensor, Error> {
        match primitive {
            TensorPrimitive::Float(t) => Ok(t),
            TensorPrimitive::QFloat(q) => Err(Error::quantized(
                &burn021::tensor::TensorMetadata::dtype(&q),
            )),
        }
    }
    fn wrap(tensor: NdArrayTensor) -> Self::Primitive {
        TensorPrimitive::Float(tensor)
    }
}

/// Int and Bool tensors use the array primitive as it is.
macro_rules! plain_kind {
    ($($kind:ty),*) => {$(
        impl<F, I, Q> NdArrayKind<F, I, Q> for $kind
        where
            F: FloatNdArrayElement,
            I: IntNdArrayElement,
            Q: QuantElement,
            NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
        {
            fn unwrap(primitive: Self::Primitive) -> Result<NdArrayTensor, Error> {
                Ok(primitive)
            }
            fn wrap(tensor: NdArrayTensor) -> Self::Primitive {
                tensor
            }
        }
    )*};
}
plain_kind!(Int, Bool);
