//! A zero-copy, read-only `ndarray` view of a CPU tensor's memory on Burn 0.22 (burn-flex, and
//! libtorch with feature `tch-0-22`), borrowed from the tensor: the Burn 0.22 counterpart of
//! burn-nd-tch's `as_ndarray_view`.

use std::marker::PhantomData;

use burn::backend::flex::FlexTensor;
use burn::tensor::Tensor;
use ndarray::ArrayViewD;

use crate::burn_0_22::direct::{cpu_primitive, CpuPrimitive};
use crate::burn_0_22::flex;
use crate::burn_0_22::to::NdKind;
use crate::{Error, NdElement};

/// The backend tensor a view reads: a handle on its storage.
#[derive(Debug)]
enum Memory {
    Flex(FlexTensor),
    #[cfg(feature = "tch-0-22")]
    #[allow(deprecated)] // burn-tch is deprecated in Burn 0.22
    Tch(burn::backend::libtorch::TchTensor),
}

/// A read-only view over a CPU tensor's memory (burn-flex, or libtorch with feature
/// `tch-0-22`), borrowed from the tensor; its shape and strides are the tensor's (negative and
/// zero ones included).
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
pub struct HostView<'a, E> {
    /// A handle on the tensor's storage: it keeps the memory alive and, shared, makes every
    /// in-place Burn operation on the tensor copy first (burn-flex and burn-tch both check
    /// that their storage is unshared before writing in place), so nothing writes under the
    /// view.
    memory: Memory,
    _borrow: PhantomData<(&'a (), E)>,
}

impl<E: NdElement> HostView<'_, E> {
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
        const CHECKED: &str = "as_ndarray_view checked the storage type and layout";
        match &self.memory {
            Memory::Flex(flex) => flex::typed_view(flex).expect(CHECKED),
            #[cfg(feature = "tch-0-22")]
            #[allow(deprecated)]
            Memory::Tch(tch) => crate::tch_view::cpu_view(&tch.tensor).expect(CHECKED),
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

/// Borrowed, zero-copy `ndarray` views over CPU tensors (Float, Int or Bool, plain or on the
/// Autodiff device) of burn-flex, and of libtorch with feature `tch-0-22`: no copy at any size
/// or layout, the view's lifetime tied to the tensor. `E` must be the tensor's own element
/// type; a tensor on another device (wgpu, CUDA, or a backend whose memory this crate does not
/// read) is [`Error::NotOnHost`].
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
    fn as_ndarray_view<E: NdElement>(&self) -> Result<HostView<'_, E>, Error>;
}

impl<const D: usize, K: NdKind> AsNdarrayView for Tensor<D, K> {
    fn as_ndarray_view<E: NdElement>(&self) -> Result<HostView<'_, E>, Error> {
        // The clone is a reference count on the storage; an Autodiff tensor gives the values
        // it holds.
        let memory = match cpu_primitive(self.clone()) {
            Ok(CpuPrimitive::Flex(flex)) => {
                flex::typed_view::<E>(&flex)?;
                Memory::Flex(flex)
            }
            #[cfg(feature = "tch-0-22")]
            Ok(CpuPrimitive::Tch(tch)) => tch_memory::<E>(tch, self.dtype())?,
            // burn-ndarray's memory is shared by burn-nd-ndarray's `ShareNdarray`, not viewed.
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::NotOnHost {
                    device: format!("{:?}", self.device()),
                })
            }
        };
        Ok(HostView {
            memory,
            _borrow: PhantomData,
        })
    }
}

/// A libtorch tensor's memory, checked to be on the CPU and viewable as `E`s: its own dtype
/// only (a Bool tensor is not shown as the bytes libtorch stores).
#[cfg(feature = "tch-0-22")]
#[allow(deprecated)] // burn-tch is deprecated in Burn 0.22
fn tch_memory<E: NdElement>(
    tch: burn::backend::libtorch::TchTensor,
    dtype: burn::tensor::DType,
) -> Result<Memory, Error> {
    let logical = crate::backend::logical_dtype(dtype)?;
    if logical != E::DTYPE {
        return Err(Error::DtypeMismatch {
            stored: logical,
            requested: E::DTYPE,
        });
    }
    crate::tch_view::cpu_view::<E>(&tch.tensor)?;
    Ok(Memory::Tch(tch))
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
