//! Everything burn-nd knows about burn-ndarray, on both Burn lines (Burn 0.21's default CPU
//! backend, always read directly there; Burn 0.22's `Device::ndarray()`, deprecated there and
//! gone in 0.23, with feature `ndarray-0-22`): its memory read in place ([`HostStorage`](crate::storage::HostStorage)), the
//! element types it stores natively and how each is taken out of and wrapped as its tensor
//! without a copy ([`NativeElement`], which burn-nd-ndarray's zero-copy sharing is built on),
//! and on Burn 0.21 how each tensor kind holds that tensor ([`NdArrayKind`]).
//!
//! Burn's own `into_data` hands a unique contiguous buffer over for free, but copies any other
//! tensor (one whose buffer is shared with a clone, as every `to_ndarray(&self)` is, or one
//! with permuted strides) element by element through an `IxDyn` iterator, several times
//! slower than a copy (BENCHMARKS.md). Here such a tensor is read through a view of its
//! buffer instead: one `memcpy` (or one cast loop) into a fresh, huge-page-backed array.

use ndarray::{ArcArray, IxDyn};

use crate::NdElement;

mod sealed {
    pub trait Native {}
}

/// An element type burn-ndarray stores natively: every [`NdElement`] except f16 and bf16.
///
/// ```
/// use burn_nd::backend::ndarray::NativeElement;
///
/// fn stored<E: NativeElement>() {}
/// stored::<u16>();
/// stored::<bool>();
/// ```
pub trait NativeElement: NdElement + sealed::Native {
    /// The Burn 0.21 tensor's shared array when it stores `Self`, else the tensor back.
    #[cfg(feature = "burn-0-21")]
    #[doc(hidden)]
    fn take(
        tensor: burn_ndarray::NdArrayTensor,
    ) -> Result<ArcArray<Self, IxDyn>, burn_ndarray::NdArrayTensor>;
    /// Wraps a shared array as a Burn 0.21 burn-ndarray tensor (O(1)).
    #[cfg(feature = "burn-0-21")]
    #[doc(hidden)]
    fn wrap(array: ArcArray<Self, IxDyn>) -> burn_ndarray::NdArrayTensor;
    /// The Burn 0.22 tensor's shared array when it stores `Self`, else the tensor back.
    #[cfg(feature = "ndarray-0-22")]
    #[doc(hidden)]
    fn take_0_22(tensor: Nd022) -> Result<ArcArray<Self, IxDyn>, Nd022>;
    /// Wraps a shared array as a Burn 0.22 burn-ndarray tensor (O(1)).
    #[cfg(feature = "ndarray-0-22")]
    #[doc(hidden)]
    fn wrap_0_22(array: ArcArray<Self, IxDyn>) -> Nd022;
}

/// Burn 0.22's burn-ndarray tensor (deprecated there), whose variants are 0.21's.
#[cfg(feature = "ndarray-0-22")]
#[allow(deprecated)]
type Nd022 = burn::backend::ndarray::NdArrayTensor;

/// burn-ndarray's per-type code, from the entries of [`dtypes`] it stores (every one but
/// f16 and bf16, in the order of its `NdArrayTensor` variants):
/// - `(native)`: [`NativeElement`] for each type, over every enabled line's `NdArrayTensor`;
/// - `(storage nd)`: [`HostStorage`](crate::storage::HostStorage) for the `NdArrayTensor` of the burn-ndarray crate `nd`
///   (both lines' tensors are the same enum of the same `NdArrayStorage` variants, types of
///   two crates).
///
/// **Memory contract** of that storage. burn-ndarray writes a tensor's memory only through an
/// owned array it gets from `NdArrayStorage::into_owned` / `ensure_owned`, `ArcArray`'s
/// copy-on-write: memory shared with another handle, or borrowed from outside
/// (`from_borrowed`: burnpack, a `from_shared_bytes` buffer), is copied first (read in
/// burn-ndarray 0.21.0, `src/storage.rs`). A view here reads through a handle the caller
/// holds, so nothing writes under it.
macro_rules! ndarray_impls {
    ((native), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {$(
        impl sealed::Native for $t {}
        #[allow(deprecated)] // burn-ndarray is deprecated in Burn 0.22
        impl NativeElement for $t {
            // `into_shared` is O(1) for owned storage (an Arc move); it copies once only for
            // Burn's borrowed (non-native bytes) storage.
            #[cfg(feature = "burn-0-21")]
            fn take(
                tensor: burn_ndarray::NdArrayTensor,
            ) -> Result<ArcArray<Self, IxDyn>, burn_ndarray::NdArrayTensor> {
                match tensor {
                    burn_ndarray::NdArrayTensor::$v(storage) => Ok(storage.into_shared()),
                    other => Err(other),
                }
            }
            #[cfg(feature = "burn-0-21")]
            fn wrap(array: ArcArray<Self, IxDyn>) -> burn_ndarray::NdArrayTensor {
                burn_ndarray::NdArrayTensor::from(array)
            }
            #[cfg(feature = "ndarray-0-22")]
            fn take_0_22(tensor: Nd022) -> Result<ArcArray<Self, IxDyn>, Nd022> {
                match tensor {
                    Nd022::$v(storage) => Ok(storage.into_shared()),
                    other => Err(other),
                }
            }
            #[cfg(feature = "ndarray-0-22")]
            fn wrap_0_22(array: ArcArray<Self, IxDyn>) -> Nd022 {
                Nd022::from(array)
            }
        }
    )*};
    ((storage $nd:ident), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        impl HostStorage for $nd::NdArrayTensor {
            /// A unique buffer in standard layout: Burn's `into_data` hands it over.
            fn handed_over(&self) -> bool {
                match self {
                    $($nd::NdArrayTensor::$v(s) => s.is_unique() && s.view().is_standard_layout(),)*
                }
            }

            fn with_view<F: ViewFn>(&self, f: F) -> Option<Result<F::Out, Error>> {
                Some(Ok(match self {
                    $($nd::NdArrayTensor::$v(s) => f.call(&s.view()),)*
                }))
            }
        }
    };
}
dtypes!(filter no_half, ndarray_impls, (native));

#[cfg(feature = "burn-0-21")]
mod ndarray_0_21 {
    use crate::storage::{HostStorage, ViewFn};
    use crate::Error;

    dtypes!(filter no_half, ndarray_impls, (storage burn_ndarray));
}
#[cfg(feature = "ndarray-0-22")]
#[allow(deprecated)] // burn-ndarray is deprecated in Burn 0.22
mod ndarray_0_22 {
    use burn::backend::ndarray as burn_ndarray22;

    use crate::storage::{HostStorage, ViewFn};
    use crate::Error;

    dtypes!(filter no_half, ndarray_impls, (storage burn_ndarray22));
}

/// Burn 0.21's tensor kinds over burn-ndarray's one primitive type, which burn-nd-ndarray's
/// zero-copy sharing is built on.
#[cfg(feature = "burn-0-21")]
mod kind_0_21 {
    use burn021::tensor::{Bool, Float, Int, TensorPrimitive};
    use burn_ndarray::{
        FloatNdArrayElement, IntNdArrayElement, NdArray, NdArrayTensor, QuantElement,
    };
    use ndarray::{ArcArray, IxDyn};

    use crate::Error;

    mod sealed {
        pub trait Kind {}
    }

    /// How each tensor kind wraps burn-ndarray's one primitive type.
    pub trait NdArrayKind<F, I, Q>:
        burn021::tensor::BasicOps<NdArray<F, I, Q>> + sealed::Kind
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

    /// Int tensors use the array primitive as it is.
    impl<F, I, Q> NdArrayKind<F, I, Q> for Int
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

    /// Bool tensors use the array primitive as it is.
    impl<F, I, Q> NdArrayKind<F, I, Q> for Bool
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
}
#[cfg(feature = "burn-0-21")]
pub use kind_0_21::NdArrayKind;
