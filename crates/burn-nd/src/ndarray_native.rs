//! The element types burn-ndarray stores natively, for the burn-ndarray of either Burn line
//! (features `ndarray` and `ndarray-0-22`): how each is taken out of, and wrapped as, that
//! line's `NdArrayTensor` without a copy. burn-nd-ndarray's zero-copy sharing is built on it.

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

/// `take` and `wrap` over one line's `NdArrayTensor`, which both lines define alike.
macro_rules! take_wrap {
    ($take:ident, $wrap:ident, $($nd:ident)::+, $variant:ident) => {
        #[allow(deprecated)]
        fn $take(tensor: $($nd)::+) -> Result<ArcArray<Self, IxDyn>, $($nd)::+> {
            match tensor {
                // `into_shared` is O(1) for owned storage (an Arc move); it copies once only
                // for Burn's borrowed (non-native bytes) storage.
                $($nd)::+::$variant(storage) => Ok(storage.into_shared()),
                other => Err(other),
            }
        }
        #[allow(deprecated)]
        fn $wrap(array: ArcArray<Self, IxDyn>) -> $($nd)::+ {
            $($nd)::+::from(array)
        }
    };
}

macro_rules! native {
    ($($t:ty => $variant:ident),*) => {$(
        impl sealed::Native for $t {}
        impl NativeElement for $t {
            #[cfg(feature = "burn-0-21")]
            take_wrap!(take, wrap, burn_ndarray::NdArrayTensor, $variant);
            #[cfg(feature = "ndarray-0-22")]
            take_wrap!(take_0_22, wrap_0_22, burn::backend::ndarray::NdArrayTensor, $variant);
        }
    )*};
}
macro_rules! natives {
    ((), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        native!($($t => $v),*);
    };
}
dtypes!(filter_dtypes, no_half, natives, ());
