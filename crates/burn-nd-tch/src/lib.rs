//! burn-tch (libtorch) tensors as borrowed `ndarray` views, and `ndarray` arrays as burn-tch
//! tensors in one copy.
//!
//! | you want | use | cost |
//! |---|---|---|
//! | to read a tensor as an array, safely | [`AsNdarrayView::as_ndarray_view`] then [`TchView::view`] | one copy into memory only the view holds |
//! | to read a CPU tensor's own memory | `unsafe` [`AsNdarrayView::as_ndarray_view_unchecked`] | zero-copy, any strides (no `.contiguous()`) |
//! | an array as a tensor | [`FromNdarrayTch::from_ndarray_tch`] | one copy (two for negative strides) |
//!
//! `Autodiff<LibTorch>` tensors work the same way: the view is over the values the tensor holds
//! (no graph), and a tensor made from an array is a leaf that does not require gradients.
//!
//! A [`TchView`] borrows the tensor, so it cannot outlive it.
//!
//! **Why the safe view copies on Burn 0.21.** burn-tch decides whether an operation may write
//! in place by counting the handles on a tensor's memory, and a view holds one. But burn-tch
//! 0.21.0's `swap_dims` and `permute` give their result a fresh count although it shares the
//! parent's memory, so the next in-place op on it (`t.clone().transpose() * 2.0`) writes into
//! memory that other handles, and a zero-copy view, still read. A view cannot know whether
//! such a handle exists, so [`AsNdarrayView::as_ndarray_view`] reads from a copy that nothing
//! else can reach, and the zero-copy view is `unsafe`, with that rule as its contract. Burn
//! 0.22's burn-tch tracks those results as shared, and burn-nd's own 0.22 view of libtorch
//! memory is zero-copy and safe.
//!
//! The reverse direction copies. `tch::Tensor::from_blob` could wrap an array's memory, but
//! libtorch would then never free it (tch passes no deleter), and nothing would stop Burn from
//! writing into it in place while the array is still readable; an owned copy is the sound
//! choice. The copy is a single pass straight into libtorch's memory, whatever the strides.
//!
//! ```no_run
//! use burn::tensor::Tensor;
//! use burn_nd_tch::{AsNdarrayView, FromNdarrayTch};
//! use burn_tch::{LibTorch, LibTorchDevice};
//!
//! let t = Tensor::<LibTorch, 2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &LibTorchDevice::Cpu);
//! let t = t.transpose();
//! let guard = t.as_ndarray_view::<f32>()?;     // a copy only the guard holds
//! assert_eq!(guard.view()[[0, 1]], 3.0);
//! // SAFETY: no op runs on any handle of `t`'s memory while `shared` is alive.
//! let shared = unsafe { t.as_ndarray_view_unchecked::<f32>()? };
//! assert_eq!(shared.view().strides(), &[1, 2]); // libtorch's own strided memory
//!
//! let back = Tensor::<LibTorch, 2>::from_ndarray_tch(&guard.view(), &LibTorchDevice::Cpu)?;
//! assert_eq!(back.into_data().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! (Examples here are `no_run` because running needs libtorch on the library path; the same
//! code runs in the conformance suite, `tests/tests/tch.rs`.)
#![deny(missing_docs)]

use std::marker::PhantomData;

use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{BasicAutodiffOps, Tensor, TensorKind, TensorMetadata};
use burn_autodiff::checkpoint::strategy::CheckpointStrategy;
use burn_autodiff::Autodiff;
use burn_nd::{Error, NdElement};
use burn_tch::{LibTorch, LibTorchDevice, TchElement, TchTensor};
use ndarray::{ArrayBase, ArrayViewD, Data, Dimension};

pub use burn_nd;
pub use burn_nd::backend::tch::TchKind;

mod sealed {
    pub trait Sealed {}
}

/// An element type libtorch stores: f32, f64, f16, bf16, i64, i32, i16, i8, u8, bool.
///
/// ```
/// fn stored<E: burn_nd_tch::TorchElement>() {}
/// stored::<burn_nd::half::bf16>();
/// ```
pub trait TorchElement: NdElement + TchElement {}
impl<E: NdElement + TchElement> TorchElement for E {}

/// A read-only `ndarray` view of a libtorch tensor's values, borrowed from the tensor: over
/// its own memory ([`AsNdarrayView::as_ndarray_view_unchecked`] on a CPU tensor) or over a
/// host copy that only the view holds.
///
/// ```no_run
/// use burn::tensor::{Int, Tensor};
/// use burn_nd_tch::AsNdarrayView;
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let t = Tensor::<LibTorch, 1, Int>::from_ints([1, 2, 3], &LibTorchDevice::Cpu);
/// let guard = t.as_ndarray_view::<i64>()?;
/// assert_eq!(guard.view().sum(), 6);
/// assert!(guard.copied());
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Debug)]
pub struct TchView<'a, E> {
    /// A handle on the tensor's storage, which keeps the memory alive and makes burn-tch count
    /// it as shared, or on a host copy no other handle reaches.
    tensor: TchTensor,
    copied: bool,
    _borrow: PhantomData<(&'a (), E)>,
}

impl<E: TorchElement> TchView<'_, E> {
    /// The view: shape and strides as libtorch has them (a copy is contiguous).
    ///
    /// ```no_run
    /// use burn::tensor::Tensor;
    /// use burn_nd_tch::AsNdarrayView;
    /// use burn_tch::{LibTorch, LibTorchDevice};
    ///
    /// let t = Tensor::<LibTorch, 2>::zeros([2, 3], &LibTorchDevice::Cpu).transpose();
    /// // SAFETY: no op runs on a handle of `t`'s memory while the guard is alive.
    /// let guard = unsafe { t.as_ndarray_view_unchecked::<f32>()? };
    /// assert_eq!(guard.view().strides(), &[1, 3]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn view(&self) -> ArrayViewD<'_, E> {
        // `view_of` made the tensor a CPU one of `E`'s kind, so the view cannot fail.
        burn_nd::backend::tch::cpu_view(&self.tensor.tensor)
            .expect("as_ndarray_view checked the device and the kind")
    }

    /// Whether the view reads a copy: always from [`AsNdarrayView::as_ndarray_view`], and
    /// from [`AsNdarrayView::as_ndarray_view_unchecked`] for a tensor on a CUDA/MPS device.
    ///
    /// ```no_run
    /// use burn::tensor::Tensor;
    /// use burn_nd_tch::AsNdarrayView;
    /// use burn_tch::{LibTorch, LibTorchDevice};
    ///
    /// let t = Tensor::<LibTorch, 1>::ones([4], &LibTorchDevice::Cpu);
    /// assert!(t.as_ndarray_view::<f32>()?.copied());
    /// // SAFETY: no op runs on a handle of `t`'s memory while the guard is alive.
    /// assert!(!unsafe { t.as_ndarray_view_unchecked::<f32>()? }.copied());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn copied(&self) -> bool {
        self.copied
    }
}

/// Borrowed `ndarray` views over `Tensor<LibTorch, D, K>` and `Tensor<Autodiff<LibTorch>, D, K>`
/// (Float, Int or Bool).
///
/// ```no_run
/// use burn::tensor::{Bool, Tensor};
/// use burn_nd_tch::AsNdarrayView;
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let t = Tensor::<LibTorch, 1, Bool>::from_bool([true, false].into(), &LibTorchDevice::Cpu);
/// assert_eq!(t.as_ndarray_view::<bool>()?.view().iter().copied().collect::<Vec<_>>(), vec![true, false]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait AsNdarrayView: sealed::Sealed {
    /// A view of the tensor's values, read from one host copy that only the view holds (see
    /// the crate docs for why Burn 0.21 needs it); `E` must be the stored element type
    /// ([`Error::DtypeMismatch`] otherwise).
    ///
    /// ```no_run
    /// use burn::tensor::Tensor;
    /// use burn_nd_tch::AsNdarrayView;
    /// use burn_tch::{LibTorch, LibTorchDevice};
    ///
    /// let t = Tensor::<LibTorch, 1>::ones([2], &LibTorchDevice::Cpu);
    /// assert!(t.as_ndarray_view::<f64>().is_err()); // stored as f32
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn as_ndarray_view<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error>;

    /// A view over a CPU tensor's own memory, any strides, with no copy (a CUDA/MPS tensor is
    /// copied to the host once); `E` must be the stored element type
    /// ([`Error::DtypeMismatch`] otherwise).
    ///
    /// # Safety
    ///
    /// While the returned view is alive, no operation may run on a handle of this memory made
    /// by `swap_dims`, `transpose` or `permute` (burn-tch 0.21.0 lets such a handle write in
    /// place; see the crate docs), nor on a libtorch tensor that aliases it. Other Burn
    /// operations on the tensor and its clones leave the memory unchanged.
    ///
    /// ```no_run
    /// use burn::tensor::Tensor;
    /// use burn_nd_tch::AsNdarrayView;
    /// use burn_tch::{LibTorch, LibTorchDevice};
    ///
    /// let t = Tensor::<LibTorch, 1>::ones([3], &LibTorchDevice::Cpu);
    /// // SAFETY: no op runs on a handle of `t`'s memory while `guard` is alive.
    /// let guard = unsafe { t.as_ndarray_view_unchecked::<f32>()? };
    /// assert_eq!(guard.view().sum(), 3.0);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    unsafe fn as_ndarray_view_unchecked<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error>;
}

impl<F: TchElement, const D: usize, K: TchKind<F>> sealed::Sealed for Tensor<LibTorch<F>, D, K> {}

impl<F: TchElement, const D: usize, K: TchKind<F>> AsNdarrayView for Tensor<LibTorch<F>, D, K> {
    fn as_ndarray_view<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error> {
        // A Burn clone of a tch tensor is a shallow clone plus a storage reference: no data copy.
        view_of(K::unwrap(self.clone().into_primitive())?, Share::Never)
    }

    unsafe fn as_ndarray_view_unchecked<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error> {
        view_of(K::unwrap(self.clone().into_primitive())?, Share::OnCpu)
    }
}

impl<B: Backend, C: CheckpointStrategy, const D: usize, K: TensorKind<Autodiff<B, C>>>
    sealed::Sealed for Tensor<Autodiff<B, C>, D, K>
{
}

/// An `Autodiff` tensor's view is over the values it holds (`inner()`, no graph).
///
/// ```no_run
/// use burn::tensor::Tensor;
/// use burn_autodiff::Autodiff;
/// use burn_nd_tch::AsNdarrayView;
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let x = Tensor::<Autodiff<LibTorch>, 1>::ones([3], &LibTorchDevice::Cpu).require_grad();
/// let y = x * 2.0;
/// assert_eq!(y.as_ndarray_view::<f32>()?.view().sum(), 6.0);
/// # Ok::<_, burn_nd::Error>(())
/// ```
impl<F, C, const D: usize, K> AsNdarrayView for Tensor<Autodiff<LibTorch<F>, C>, D, K>
where
    F: TchElement,
    C: CheckpointStrategy,
    Autodiff<LibTorch<F>, C>: AutodiffBackend<InnerBackend = LibTorch<F>>,
    K: TchKind<F> + BasicAutodiffOps<Autodiff<LibTorch<F>, C>, InnerKind = K>,
{
    fn as_ndarray_view<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error> {
        view_of(
            K::unwrap(self.clone().inner().into_primitive())?,
            Share::Never,
        )
    }

    unsafe fn as_ndarray_view_unchecked<E: TorchElement>(&self) -> Result<TchView<'_, E>, Error> {
        view_of(
            K::unwrap(self.clone().inner().into_primitive())?,
            Share::OnCpu,
        )
    }
}

/// Whether a view may read the tensor's own memory.
#[derive(Clone, Copy, PartialEq)]
enum Share {
    /// Always read a copy (the safe view).
    Never,
    /// Read a CPU tensor's memory in place (the caller upholds the unchecked view's contract).
    OnCpu,
}

/// A view of `tensor` (a handle the caller made by a shallow clone): of its memory when
/// `share` allows and it is on the CPU, else of a host copy; `E` must be its stored element
/// type.
fn view_of<'a, E: TorchElement>(
    mut tensor: TchTensor,
    share: Share,
) -> Result<TchView<'a, E>, Error> {
    if tensor.tensor.kind() != E::kind() {
        let stored = tensor.dtype();
        return Err(Error::DtypeMismatch {
            stored: burn_nd::backend::logical_dtype(stored)?,
            requested: E::DTYPE,
        });
    }
    let on_cpu = tensor.tensor.device() == tch::Device::Cpu;
    let copied = !(on_cpu && share == Share::OnCpu);
    if copied {
        // Either call makes new memory that no other handle reaches.
        let host = if on_cpu {
            tensor.tensor.f_detach_copy()
        } else {
            tensor.tensor.f_to_device(tch::Device::Cpu)
        }
        .map_err(Error::backend)?;
        tensor = TchTensor::new(host);
    }
    Ok(TchView {
        tensor,
        copied,
        _borrow: PhantomData,
    })
}

/// `ndarray` arrays into burn-tch tensors with a single copy.
///
/// ```no_run
/// use burn::tensor::Tensor;
/// use burn_nd_tch::FromNdarrayTch;
/// use burn_tch::{LibTorch, LibTorchDevice};
/// use ndarray::{array, ShapeBuilder};
///
/// let fortran = ndarray::Array::from_shape_vec((2, 2).f(), vec![1.0f64, 2.0, 3.0, 4.0]).unwrap();
/// let t = Tensor::<LibTorch, 2>::from_ndarray_tch(&fortran, &LibTorchDevice::Cpu)?;
/// assert_eq!(t.dtype(), burn::tensor::DType::F64); // the array's dtype, not cast
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait FromNdarrayTch: Sized + sealed::Sealed {
    /// A tensor of the array's own element type holding a copy of its values in logical
    /// order. One pass over the data for any non-negative strides; arrays with negative
    /// strides are first made standard (a second copy).
    ///
    /// ```no_run
    /// use burn::tensor::{Int, Tensor};
    /// use burn_nd_tch::FromNdarrayTch;
    /// use burn_tch::{LibTorch, LibTorchDevice};
    ///
    /// let ok = Tensor::<LibTorch, 1, Int>::from_ndarray_tch(&ndarray::arr1(&[7i32]), &LibTorchDevice::Cpu)?;
    /// assert_eq!(ok.dtype(), burn::tensor::DType::I32);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray_tch<E, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &LibTorchDevice,
    ) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension;
}

impl<F: TchElement, const D: usize, K: TchKind<F>> FromNdarrayTch for Tensor<LibTorch<F>, D, K> {
    fn from_ndarray_tch<E, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &LibTorchDevice,
    ) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension,
    {
        if array.ndim() != D {
            return Err(Error::Rank {
                got: array.ndim(),
                expected: D,
            });
        }
        if !burn_nd::backend::kind_holds(K::name(), E::DTYPE) {
            return Err(Error::Unsupported {
                dtype: E::DTYPE,
                kind: K::name(),
            });
        }
        let size: Vec<i64> = array.shape().iter().map(|&d| d as i64).collect();
        let host = if array.strides().iter().any(|&s| s < 0) {
            let standard = array.as_standard_layout();
            copy_strided(&standard.view().into_dyn(), &size)?
        } else {
            copy_strided(&array.view().into_dyn(), &size)?
        };
        let on_device = host
            .f_to_device(tch::Device::from(*device))
            .map_err(Error::backend)?;
        Ok(Tensor::from_primitive(K::wrap(TchTensor::new(on_device))))
    }
}

/// Copies `view` (non-negative strides) into a new contiguous CPU tensor in one pass.
fn copy_strided<E: TorchElement>(
    view: &ArrayViewD<'_, E>,
    size: &[i64],
) -> Result<tch::Tensor, Error> {
    let mut out =
        tch::Tensor::f_empty(size, (E::kind(), tch::Device::Cpu)).map_err(Error::backend)?;
    if view.is_empty() {
        return Ok(out);
    }
    let strides: Vec<i64> = view.strides().iter().map(|&s| s as i64).collect();
    // SAFETY: `view` borrows initialised, aligned `E`s, and its (non-negative) strides and
    // shape reach only elements of that borrow. The blob tensor is read once by `copy_` and
    // dropped before this function returns, so libtorch never touches the memory after the
    // borrow ends, and it never frees it (tch's blob tensors have no deleter).
    let blob = unsafe {
        tch::Tensor::f_from_blob(
            view.as_ptr() as *const u8,
            size,
            &strides,
            E::kind(),
            tch::Device::Cpu,
        )
    }
    .map_err(Error::backend)?;
    out.f_copy_(&blob).map_err(Error::backend)?;
    drop(blob);
    Ok(out)
}

/// An `Autodiff` tensor made from an array is a leaf that does not require gradients.
///
/// ```no_run
/// use burn::tensor::Tensor;
/// use burn_autodiff::Autodiff;
/// use burn_nd_tch::FromNdarrayTch;
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let a = ndarray::arr1(&[1.0f32, 2.0]);
/// let t = Tensor::<Autodiff<LibTorch>, 1>::from_ndarray_tch(&a, &LibTorchDevice::Cpu)?;
/// assert!(!t.is_require_grad());
/// # Ok::<_, burn_nd::Error>(())
/// ```
impl<F, C, const D: usize, K> FromNdarrayTch for Tensor<Autodiff<LibTorch<F>, C>, D, K>
where
    F: TchElement,
    C: CheckpointStrategy,
    Autodiff<LibTorch<F>, C>: AutodiffBackend<InnerBackend = LibTorch<F>>,
    K: TchKind<F> + BasicAutodiffOps<Autodiff<LibTorch<F>, C>, InnerKind = K>,
{
    fn from_ndarray_tch<E, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &LibTorchDevice,
    ) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension,
    {
        Tensor::<LibTorch<F>, D, K>::from_ndarray_tch(array, device).map(Tensor::from_inner)
    }
}
