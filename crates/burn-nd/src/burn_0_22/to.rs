//! Tensor → ndarray on the Burn 0.22 line: [`ToNdarray`] for `Tensor<D, K>`, on every device:
//! the direct reads of burn-flex, burn-ndarray and libtorch CPU tensors from their memory, the
//! backend's own read-back elsewhere.

use burn::tensor::{Tensor, TensorData};
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use crate::base::dtype::logical_dtype;
use crate::base::to::sealed;
use crate::burn_0_22::data::{array_from_data, host_buffer_from_data};
use crate::burn_0_22::direct::{cpu_primitive, CpuPrimitive};
use crate::burn_0_22::flex;
use crate::{Casting, Error, NdElement, ToNdarray};

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

/// Reads `tensor` into an array of dimension `Dm`, casting under `casting` (the caller has
/// checked the cast): the one read path behind every method of [`ToNdarray`] on this line.
fn read<const D: usize, K: NdKind, E: NdElement, Dm: Dimension>(
    tensor: Tensor<D, K>,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    match direct(tensor, casting == Casting::Exact)? {
        Ok(array) => Ok(array),
        Err(data) => array_from_data(data, casting),
    }
}

/// The direct read of a CPU backend's tensor from its memory (`Ok`), or the data Burn's
/// read-back gives (`Err`: another backend, or a buffer Burn's read hands over for free). An
/// Autodiff tensor is read as the values it holds.
fn direct<const D: usize, K: NdKind, E: NdElement, Dm: Dimension>(
    tensor: Tensor<D, K>,
    exact: bool,
) -> Result<Result<Array<E, Dm>, TensorData>, Error> {
    match cpu_primitive(tensor) {
        Ok(CpuPrimitive::Flex(primitive)) => flex::read(primitive, exact),
        #[cfg(feature = "ndarray-0-22")]
        Ok(CpuPrimitive::NdArray(primitive)) => {
            crate::burn_0_22::ndarray::read::<D, K, E, Dm>(primitive, exact)
        }
        #[cfg(feature = "tch-0-22")]
        Ok(CpuPrimitive::Tch(primitive)) => {
            crate::burn_0_22::tch::read::<D, K, E, Dm>(primitive, exact)
        }
        Err(tensor) => tensor.try_into_data().map(Err).map_err(Error::backend),
    }
}

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

// The `&self` forms read a clone: one reference count.
impl<const D: usize, K: NdKind> ToNdarray<D> for Tensor<D, K> {
    fn nd_dtype(&self) -> Result<crate::NdDType, Error> {
        logical_dtype(self.dtype())
    }

    fn nd_shape(&self) -> Vec<usize> {
        self.shape().to_vec()
    }

    fn into_host_buffer(self) -> Result<crate::HostBuffer, Error> {
        let logical = self.nd_dtype()?;
        for_nd_dtype!(logical, E => match direct::<D, K, E, ndarray::IxDyn>(self, false)? {
            Ok(array) => crate::HostBuffer::from_array(array),
            Err(data) => host_buffer_from_data(data, logical),
        })
    }

    fn read_checked_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
    ) -> Result<Array<E, Dm>, Error> {
        read(self, casting)
    }

    fn copy_direct<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<bool, Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        // One copy straight from a CPU backend's memory, where it stores the requested type.
        if logical_dtype(self.dtype())? != E::DTYPE {
            return Ok(false);
        }
        Ok(match cpu_primitive(self.clone()) {
            Ok(CpuPrimitive::Flex(primitive)) => flex::copy_into(&primitive, out),
            #[cfg(feature = "ndarray-0-22")]
            Ok(CpuPrimitive::NdArray(primitive)) => {
                crate::burn_0_22::ndarray::copy_into(&primitive, out)
            }
            #[cfg(feature = "tch-0-22")]
            Ok(CpuPrimitive::Tch(primitive)) => crate::burn_0_22::tch::copy_into(&primitive, out),
            Err(_) => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Bool, Device, Int, Tensor, TensorData};
    use ndarray::{array, Array1, Array2};

    use crate::{Casting, Error, ToNdarray};

    #[test]
    fn flex_tensors_read_like_on_0_21() {
        let device = Device::flex();
        let t = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.5], [2, 2]),
            &device,
        );
        let a: Array2<f32> = t.to_ndarray().unwrap();
        assert_eq!(a, array![[1.0, 2.0], [3.0, 4.5]]);
        let wide: Array2<f64> = t.clone().transpose().into_ndarray().unwrap();
        assert_eq!(wide, array![[1.0, 3.0], [2.0, 4.5]]);
        let ints: Array2<i64> = t.to_ndarray_with(Casting::Unsafe).unwrap();
        assert_eq!(ints, array![[1, 2], [3, 4]]);
        assert!(matches!(
            t.to_ndarray_with::<i64>(Casting::Exact),
            Err(Error::Inexact { .. })
        ));
        assert!(matches!(t.to_ndarray::<i32>(), Err(Error::Casting { .. })));

        let i = Tensor::<1, Int>::from_data(TensorData::new(vec![3i64, -1], [2]), &device);
        assert_eq!(i.to_ndarray::<i64>().unwrap(), array![3, -1]);
        let b = Tensor::<1, Bool>::from_data(TensorData::new(vec![true, false], [2]), &device);
        assert_eq!(b.to_ndarray::<bool>().unwrap(), array![true, false]);

        let mut out = Array1::<f64>::zeros(4);
        t.reshape([4]).read_into(&mut out).unwrap();
        assert_eq!(out, array![1.0, 2.0, 3.0, 4.5]);
    }

    #[test]
    fn autodiff_devices_read_their_values() {
        let device = Device::flex().autodiff();
        let x = Tensor::<1>::from_data(TensorData::new(vec![1.0f32, -2.0], [2]), &device)
            .require_grad();
        let y = x.clone() * 3.0;
        assert_eq!(y.to_ndarray::<f32>().unwrap(), array![3.0, -6.0]);
    }
}
