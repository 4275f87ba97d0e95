//! A zero-copy, read-only `ndarray` view of a burn-flex tensor's storage, borrowed from the
//! tensor: the Burn 0.22 counterpart of burn-nd-tch's `as_ndarray_view`.

use std::marker::PhantomData;

use burn::backend::flex::FlexTensor;
use burn::tensor::Tensor;
use ndarray::ArrayViewD;

use crate::burn_0_22::flex;
use crate::burn_0_22::to::NdKind;
use crate::{Error, NdElement};

/// A read-only view over a burn-flex tensor's memory, borrowed from the tensor; its shape and
/// strides are the tensor's (negative and zero ones included).
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::AsNdarrayView;
///
/// let t = Tensor::<1, Int>::from_ints([1, 2, 3], &Device::flex());
/// let guard = t.as_ndarray_view::<i32>()?;
/// assert_eq!(guard.view().sum(), 6);
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Debug)]
pub struct FlexView<'a, E> {
    /// A handle on the tensor's storage: it keeps the memory alive and, shared, makes every
    /// in-place Burn operation on the tensor copy first, so nothing writes under the view.
    flex: FlexTensor,
    _borrow: PhantomData<(&'a (), E)>,
}

impl<E: NdElement> FlexView<'_, E> {
    /// The view, in the tensor's own layout.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::AsNdarrayView;
    ///
    /// let t = Tensor::<2>::zeros([2, 3], &Device::flex()).transpose();
    /// let guard = t.as_ndarray_view::<f32>()?;
    /// assert_eq!(guard.view().shape(), &[3, 2]);
    /// assert_eq!(guard.view().strides(), &[1, 3]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    #[allow(clippy::expect_used)] // `as_ndarray_view` built this view once already
    pub fn view(&self) -> ArrayViewD<'_, E> {
        flex::typed_view(&self.flex).expect("as_ndarray_view checked the storage type and layout")
    }
}

mod sealed {
    pub trait Sealed {}
}

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

/// Borrowed, zero-copy `ndarray` views over burn-flex tensors (Float, Int or Bool, plain or on
/// the Autodiff device): no copy at any size or layout, the view's lifetime tied to the tensor.
/// `E` must be the tensor's own element type; a tensor on another device is
/// [`Error::NotOnHost`].
///
/// ```
/// use burn::tensor::{Bool, Device, Tensor, TensorData};
/// use burn_nd::AsNdarrayView;
///
/// let t = Tensor::<1, Bool>::from_bool(TensorData::from([true, false]), &Device::flex());
/// let guard = t.as_ndarray_view::<bool>()?;
/// assert_eq!(guard.view().iter().copied().collect::<Vec<_>>(), vec![true, false]);
/// assert!(t.as_ndarray_view::<u8>().is_err()); // views never cast
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait AsNdarrayView: sealed::Sealed {
    /// A view over the tensor's memory; `E` must be the tensor's element type
    /// ([`Error::DtypeMismatch`] otherwise).
    fn as_ndarray_view<E: NdElement>(&self) -> Result<FlexView<'_, E>, Error>;
}

impl<const D: usize, K: NdKind> AsNdarrayView for Tensor<D, K> {
    fn as_ndarray_view<E: NdElement>(&self) -> Result<FlexView<'_, E>, Error> {
        // An Autodiff tensor's values are its inner tensor's; the clone is a reference count.
        let plain = self.clone().without_autodiff();
        let flex = flex::primitive(&plain).ok_or_else(|| Error::NotOnHost {
            device: format!("{:?}", self.device()),
        })?;
        flex::typed_view::<E>(&flex)?;
        Ok(FlexView {
            flex,
            _borrow: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Bool, Device, Int, Tensor, TensorData};
    use ndarray::{s, Array2};

    use super::AsNdarrayView;
    use crate::{Error, ToNdarray};

    /// The view is the tensor's memory (same address), in its layout, for tensors made by
    /// Burn ops, plain and Autodiff; a later in-place op leaves it as it was.
    #[test]
    fn views_alias_the_storage_in_any_layout() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            let values: Vec<f32> = (0..12).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [3, 4]), &device);
            let expected: Array2<f32> = t.to_ndarray().unwrap();
            let address = t.as_ndarray_view::<f32>().unwrap().view().as_ptr();
            for (made, want) in [
                (t.clone().transpose(), expected.t().to_owned()),
                (
                    t.clone().flip([0]),
                    expected.slice(s![..;-1, ..]).to_owned(),
                ),
                (
                    t.clone().slice([1..3, 1..4]),
                    expected.slice(s![1..3, 1..]).to_owned(),
                ),
            ] {
                let guard = made.as_ndarray_view::<f32>().unwrap();
                assert_eq!(guard.view(), want.into_dyn(), "{device:?}");
                let lowest = guard.view().iter().map(|x| x as *const f32).min().unwrap();
                assert!(
                    lowest >= address && lowest < address.wrapping_add(12),
                    "no copy"
                );
            }
            let guard = t.as_ndarray_view::<f32>().unwrap();
            let doubled = t.clone() * 2.0;
            assert_eq!(guard.view(), expected.clone().into_dyn());
            assert_eq!(doubled.to_ndarray::<f32>().unwrap(), expected * 2.0);
        }
    }

    /// A view never casts, nor shows a Bool tensor as the bytes it stores.
    #[test]
    fn views_refuse_other_types() {
        let t = Tensor::<1, Int>::from_ints([1, 2], &Device::flex());
        assert!(matches!(
            t.as_ndarray_view::<i64>(),
            Err(Error::DtypeMismatch { .. })
        ));
        assert_eq!(t.as_ndarray_view::<i32>().unwrap().view().sum(), 3);
        let b = Tensor::<1, Bool>::from_bool(TensorData::from([true, false]), &Device::flex());
        assert!(matches!(
            b.as_ndarray_view::<u8>(),
            Err(Error::DtypeMismatch { .. })
        ));
        assert_eq!(b.as_ndarray_view::<bool>().unwrap().view().len(), 2);
    }
}
