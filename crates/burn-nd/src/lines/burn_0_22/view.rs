//! Read-only `ndarray` views of a CPU tensor's values on Burn 0.22 (burn-flex, and libtorch
//! with feature `tch-0-22`), borrowed from the tensor: the Burn 0.22 counterpart of
//! burn-nd-tch's `as_ndarray_view`. burn-flex's memory is viewed in place; libtorch's is viewed
//! in place only through the `unsafe` [`AsNdarrayView::as_ndarray_view_unchecked`], because
//! burn-tch's `scatter_nd` writes into storage that other handles share.

use std::marker::PhantomData;

use burn::backend::flex::FlexTensor;
use burn::tensor::Tensor;
use ndarray::ArrayViewD;

use super::direct::{cpu_primitive, CpuPrimitive};
use super::kind::NdKind;
use crate::backends::flex::FlexStorage;
use crate::{Error, NdElement};

/// The backend memory a view reads.
#[derive(Debug)]
enum Memory {
    /// A handle on a burn-flex tensor's storage: it keeps the memory alive and, shared, makes
    /// every in-place burn-flex operation on the tensor copy first (burn-flex writes in place
    /// only through `storage_mut` / `try_storage_mut`, which check that the storage is
    /// unshared; its `scatter_nd` always writes a new buffer), so nothing writes under the
    /// view.
    Flex(FlexTensor),
    /// A libtorch tensor: a copy that no other handle reaches (the safe view), or, for the
    /// unchecked view, a handle on the tensor's own storage, whose writers the caller rules out.
    #[cfg(feature = "tch-0-22")]
    #[allow(deprecated)] // burn-tch is deprecated in Burn 0.22
    Tch(burn::backend::libtorch::TchTensor),
}

/// A read-only view over a CPU tensor's values (burn-flex, or libtorch with feature
/// `tch-0-22`), borrowed from the tensor; its shape and strides are the tensor's (negative and
/// zero ones included) when it reads the tensor's memory, the copy's own when it reads a copy.
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::AsNdarrayView;
///
/// let t = Tensor::<1, Int>::from_ints([1, 2, 3], &Device::flex());
/// let guard = t.as_ndarray_view::<i32>()?;
/// assert_eq!(guard.view().sum(), 6);
/// assert!(!guard.copied());
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Debug)]
pub struct HostView<'a, E> {
    memory: Memory,
    copied: bool,
    _borrow: PhantomData<(&'a (), E)>,
}

impl<E: NdElement> HostView<'_, E> {
    /// The view, in the tensor's own layout (or the copy's).
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
            Memory::Flex(flex) => flex.parts().and_then(|p| p.typed_view()).expect(CHECKED),
            #[cfg(feature = "tch-0-22")]
            #[allow(deprecated)] // burn-tch is deprecated in Burn 0.22
            // SAFETY: `tch_memory` checked this tensor once (CPU, `E`'s kind, bool bytes 0 or
            // 1), and nothing writes it since: a copy is reached by no other handle; a handle
            // on the tensor's own storage comes from `as_ndarray_view_unchecked`, whose caller
            // rules out writers for the guard's lifetime, which this view's borrow lies within.
            Memory::Tch(tch) => unsafe { crate::backends::tch::checked_once_view(&tch.tensor) },
        }
    }

    /// Whether the view reads a copy of the values rather than the tensor's memory: never on
    /// burn-flex; always for libtorch from [`AsNdarrayView::as_ndarray_view`].
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::AsNdarrayView;
    ///
    /// let t = Tensor::<1>::ones([4], &Device::flex());
    /// assert!(!t.as_ndarray_view::<f32>()?.copied());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn copied(&self) -> bool {
        self.copied
    }
}

mod sealed {
    pub trait Sealed {}
}

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

/// Borrowed `ndarray` views over CPU tensors (Float, Int or Bool, plain or on the Autodiff
/// device) of burn-flex, and of libtorch with feature `tch-0-22`, the view's lifetime tied to
/// the tensor. burn-flex's memory is viewed in place at any size or layout; libtorch's through
/// one copy that only the view holds, or in place with the `unsafe`
/// [`as_ndarray_view_unchecked`](AsNdarrayView::as_ndarray_view_unchecked). `E` must be the
/// tensor's own element type; a tensor on another device (wgpu, CUDA, or a backend whose
/// memory this crate does not read) is [`Error::NotOnHost`].
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
    /// A view of the tensor's values; `E` must be the tensor's element type
    /// ([`Error::DtypeMismatch`] otherwise). burn-flex: its memory, no copy. libtorch: one
    /// copy, which no other handle reaches (burn-tch's `scatter_nd` writes in place into
    /// memory other handles share, so a view of it could change under the reader).
    fn as_ndarray_view<E: NdElement>(&self) -> Result<HostView<'_, E>, Error>;

    /// A view of the tensor's own memory on both backends, with no copy; on burn-flex the
    /// same as [`as_ndarray_view`](AsNdarrayView::as_ndarray_view).
    ///
    /// # Safety
    ///
    /// For a libtorch tensor: from this call until the returned guard is dropped (the call
    /// itself reads the memory: a Bool tensor's bytes are checked), nothing writes to the
    /// tensor's storage, through any handle on any thread. burn-tch writes in place into
    /// storage that other handles share in one operation, `scatter_nd`, so no `scatter_nd` may
    /// run on this tensor or a clone of it (nor an in-place op on a libtorch tensor that
    /// shares its storage) while the guard lives.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::AsNdarrayView;
    ///
    /// let t = Tensor::<2>::zeros([2, 3], &Device::flex()).transpose();
    /// // SAFETY: burn-flex; no contract applies (and no op runs on `t` while `guard` lives).
    /// let guard = unsafe { t.as_ndarray_view_unchecked::<f32>()? };
    /// assert_eq!(guard.view().strides(), &[1, 3]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    unsafe fn as_ndarray_view_unchecked<E: NdElement>(&self) -> Result<HostView<'_, E>, Error>;
}

impl<const D: usize, K: NdKind> AsNdarrayView for Tensor<D, K> {
    fn as_ndarray_view<E: NdElement>(&self) -> Result<HostView<'_, E>, Error> {
        view_of(self, Libtorch::Copy)
    }

    unsafe fn as_ndarray_view_unchecked<E: NdElement>(&self) -> Result<HostView<'_, E>, Error> {
        view_of(self, Libtorch::InPlace)
    }
}

/// How a view reads a libtorch tensor.
#[derive(Clone, Copy, PartialEq)]
enum Libtorch {
    /// From a copy only the view holds (the safe view).
    Copy,
    /// From the tensor's memory (the caller of the unchecked view rules out writers).
    InPlace,
}

/// A view of `tensor`'s values as `E`s, reading libtorch memory as `libtorch` says.
fn view_of<'a, const D: usize, K: NdKind, E: NdElement>(
    tensor: &'a Tensor<D, K>,
    #[cfg_attr(not(feature = "tch-0-22"), allow(unused_variables))] libtorch: Libtorch,
) -> Result<HostView<'a, E>, Error> {
    // The clone is a reference count on the storage; an Autodiff tensor gives the values it
    // holds.
    let (memory, copied) = match cpu_primitive(tensor.clone()) {
        Ok(CpuPrimitive::Flex(flex)) => {
            flex.parts()?.typed_view::<E>()?;
            (Memory::Flex(flex), false)
        }
        #[cfg(feature = "tch-0-22")]
        Ok(CpuPrimitive::Tch(tch)) => {
            let copy = libtorch == Libtorch::Copy;
            (tch_memory::<E>(tch, tensor.dtype(), copy)?, copy)
        }
        // burn-ndarray's memory is shared by burn-nd-ndarray's `ShareNdarray`, not viewed.
        #[allow(unreachable_patterns)]
        _ => {
            return Err(Error::NotOnHost {
                device: format!("{:?}", tensor.device()),
            })
        }
    };
    Ok(HostView {
        memory,
        copied,
        _borrow: PhantomData,
    })
}

/// A libtorch tensor's memory, checked to be on the CPU and viewable as `E`s (its own dtype
/// only: a Bool tensor is not shown as the bytes libtorch stores, and its bytes are checked),
/// or (`copy`) a contiguous copy of it that no other handle reaches.
#[cfg(feature = "tch-0-22")]
#[allow(deprecated)] // burn-tch is deprecated in Burn 0.22
fn tch_memory<E: NdElement>(
    tch: burn::backend::libtorch::TchTensor,
    dtype: burn::tensor::DType,
    copy: bool,
) -> Result<Memory, Error> {
    use burn::backend::libtorch::TchTensor;
    let logical = crate::check::logical_dtype(dtype)?;
    if logical != E::DTYPE {
        return Err(Error::DtypeMismatch {
            stored: logical,
            requested: E::DTYPE,
        });
    }
    let tch = if copy {
        // New, contiguous memory in a new tensor (`detach_copy` is `detach().clone()`):
        // nothing else holds a handle on it.
        TchTensor::new(tch.tensor.f_detach_copy().map_err(Error::backend)?)
    } else {
        tch
    };
    // The checks `view` relies on (device, kind, a Bool tensor's bytes 0 or 1), made once on
    // the memory the view reads.
    // SAFETY: the view is dropped at once; a copy is reached by nothing else, and the
    // caller of the unchecked view rules out writers to the tensor's own memory.
    unsafe { crate::backends::tch::cpu_view::<E>(&tch.tensor) }?;
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
