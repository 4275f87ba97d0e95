//! The tensor kinds burn-nd converts on Burn 0.22, [`NdKind`], and the bounds behind it.

mod sealed_kind {
    pub trait Sealed {}
    impl<K: burn::tensor::kind::Basic> Sealed for K {}
}

/// The tensor kinds burn-nd converts on Burn 0.22: `Float`, `Int` and `Bool`. Code generic
/// over the kind of a `Tensor<D, K>` bounds `K: NdKind` to call burn-nd's traits (on 0.21 the
/// same code bounds `K: BasicOps<B>`).
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::prelude::*;
/// use burn_nd::NdKind;
///
/// fn first<const D: usize, K: NdKind>(t: &Tensor<D, K>) -> Result<f64, Error> {
///     let a = t.to_ndarray_dyn_with::<f64>(Casting::Unsafe)?;
///     Ok(a.iter().next().copied().unwrap_or(0.0))
/// }
/// let t = Tensor::<1, Int>::from_ints([7, 8], &Device::flex());
/// assert_eq!(first(&t)?, 7.0);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait NdKind: sealed_kind::Sealed
    + burn::tensor::kind::Autodiff
    + burn::tensor::BackendPrimitive<burn::backend::Flex, Primitive = burn::backend::flex::FlexTensor>
    + kinds::NdArrayPrimitive
    + kinds::TchPrimitive
{
}
impl<K> NdKind for K where
    K: burn::tensor::kind::Autodiff
        + burn::tensor::BackendPrimitive<
            burn::backend::Flex,
            Primitive = burn::backend::flex::FlexTensor,
        > + kinds::NdArrayPrimitive
        + kinds::TchPrimitive
{
}

/// What [`NdKind`] asks of a kind for the direct reads the enabled features add: each trait
/// here is a bound every Burn kind meets (its tensors give that backend's primitive) when the
/// feature is on, and no bound at all when it is off. Named only by [`NdKind`]; code generic
/// over a kind bounds `K: NdKind`, not these.
#[allow(deprecated)] // burn-ndarray is deprecated in Burn 0.22
pub mod kinds {
    /// A kind whose tensors give their burn-ndarray primitive (feature `ndarray-0-22`).
    #[cfg(feature = "ndarray-0-22")]
    pub trait NdArrayPrimitive:
        burn::tensor::BackendPrimitive<
        burn::backend::NdArray,
        Primitive = burn::backend::ndarray::NdArrayTensor,
    >
    {
    }
    #[cfg(feature = "ndarray-0-22")]
    impl<K> NdArrayPrimitive for K where
        K: burn::tensor::BackendPrimitive<
            burn::backend::NdArray,
            Primitive = burn::backend::ndarray::NdArrayTensor,
        >
    {
    }

    /// Every kind, without feature `ndarray-0-22`.
    #[cfg(not(feature = "ndarray-0-22"))]
    pub trait NdArrayPrimitive {}
    #[cfg(not(feature = "ndarray-0-22"))]
    impl<K> NdArrayPrimitive for K {}

    /// A kind whose tensors give their libtorch primitive (feature `tch-0-22`).
    #[cfg(feature = "tch-0-22")]
    pub trait TchPrimitive:
        burn::tensor::BackendPrimitive<
        burn::backend::LibTorch,
        Primitive = burn::backend::libtorch::TchTensor,
    >
    {
    }
    #[cfg(feature = "tch-0-22")]
    impl<K> TchPrimitive for K where
        K: burn::tensor::BackendPrimitive<
            burn::backend::LibTorch,
            Primitive = burn::backend::libtorch::TchTensor,
        >
    {
    }

    /// Every kind, without feature `tch-0-22`.
    #[cfg(not(feature = "tch-0-22"))]
    pub trait TchPrimitive {}
    #[cfg(not(feature = "tch-0-22"))]
    impl<K> TchPrimitive for K {}
}
