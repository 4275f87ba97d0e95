//! burn-nd-tch on Burn 0.21: `TchView` and `AsNdarrayView`, and `FromNdarrayTch` for
//! `Tensor<LibTorch, D, K>` and its `Autodiff` form.

use std::marker::PhantomData;

use burn021::tensor::backend::{AutodiffBackend, Backend};
use burn021::tensor::{BasicAutodiffOps, Tensor, TensorKind, TensorMetadata};
use burn_autodiff::checkpoint::strategy::CheckpointStrategy;
use burn_autodiff::Autodiff;
use burn_nd::Error;
use burn_tch::{LibTorch, LibTorchDevice, TchElement, TchTensor};
use ndarray::{ArrayBase, ArrayViewD, Data, Dimension};

use crate::{sealed, upload, FromNdarrayTch, TchKind, TorchElement};

/// A read-only `ndarray` view of a libtorch tensor's values, borrowed from the tensor: over
/// its own memory ([`AsNdarrayView::as_ndarray_view_unchecked`] on a CPU tensor) or over a
/// host copy that only the view holds.
///
/// ```no_run
/// # use burn021 as burn;
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
    /// # use burn021 as burn;
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
        // SAFETY: a copy is reached by no other handle; a handle on the tensor's own memory
        // comes from `as_ndarray_view_unchecked`, whose caller rules out writers while the
        // guard lives, and this view's borrow lies within the guard's.
        let view = unsafe { burn_nd::backend::tch::cpu_view(&self.tensor.tensor) };
        // `view_of` viewed this tensor once already (CPU, `E`'s kind, bool bytes 0 or 1), and
        // nothing has written it since; a Bool tensor's bytes are scanned again on each call.
        view.expect("as_ndarray_view checked the device, the kind and the bytes")
    }

    /// Whether the view reads a copy: always from [`AsNdarrayView::as_ndarray_view`], and
    /// from [`AsNdarrayView::as_ndarray_view_unchecked`] for a tensor on a CUDA/MPS device.
    ///
    /// ```no_run
    /// # use burn021 as burn;
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
/// # use burn021 as burn;
/// use burn::tensor::{Bool, Tensor};
/// use burn_nd_tch::AsNdarrayView;
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let t = Tensor::<LibTorch, 1, Bool>::from_bool([true, false].into(), &LibTorchDevice::Cpu);
/// assert_eq!(t.as_ndarray_view::<bool>()?.view().iter().copied().collect::<Vec<_>>(), vec![true, false]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
///
/// A strided tensor, read safely and without a copy, and back:
///
/// ```no_run
/// # use burn021 as burn;
/// use burn::tensor::Tensor;
/// use burn_nd_tch::{AsNdarrayView, FromNdarrayTch};
/// use burn_tch::{LibTorch, LibTorchDevice};
///
/// let t = Tensor::<LibTorch, 2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &LibTorchDevice::Cpu);
/// let t = t.transpose();
/// let guard = t.as_ndarray_view::<f32>()?;     // a copy only the guard holds
/// assert_eq!(guard.view()[[0, 1]], 3.0);
/// // SAFETY: no op runs on any handle of `t`'s memory while `shared` is alive.
/// let shared = unsafe { t.as_ndarray_view_unchecked::<f32>()? };
/// assert_eq!(shared.view().strides(), &[1, 2]); // libtorch's own strided memory
///
/// let back = Tensor::<LibTorch, 2>::from_ndarray_tch(&guard.view(), &LibTorchDevice::Cpu)?;
/// assert_eq!(back.into_data().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait AsNdarrayView: sealed::Sealed {
    /// A view of the tensor's values, read from one host copy that only the view holds (see
    /// the crate docs for why Burn 0.21 needs it); `E` must be the stored element type
    /// ([`Error::DtypeMismatch`] otherwise).
    ///
    /// ```no_run
    /// # use burn021 as burn;
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
    /// From this call until the returned view is dropped (the call itself reads the memory: a
    /// Bool tensor's bytes are checked), nothing may write to this memory, through any handle
    /// on any thread. burn-tch 0.21.0 writes in place into memory that other handles share
    /// in two ways, so while the view lives none of these may run: `scatter_nd` on the tensor
    /// or on any clone of it (it writes into the shared storage whatever the count), and any
    /// operation on a handle made by `swap_dims`, `transpose` or `permute` (such a handle counts
    /// itself unshared; see the crate docs); nor an in-place op on a libtorch tensor that
    /// aliases the memory. Other Burn operations on the tensor and its clones copy before they
    /// write.
    ///
    /// ```no_run
    /// # use burn021 as burn;
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
/// # use burn021 as burn;
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
    if tensor.tensor.kind() != E::KIND {
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
    // The checks `view` relies on (a Bool tensor's bytes are 0 or 1), made once here.
    // SAFETY: the view is dropped at once, and nothing writes the memory meanwhile: a copy is
    // reached by no other handle; the tensor's own memory is covered by the contract of
    // `as_ndarray_view_unchecked`, whose caller rules out writers from the call on.
    unsafe { burn_nd::backend::tch::cpu_view::<E>(&tensor.tensor) }?;
    Ok(TchView {
        tensor,
        copied,
        _borrow: PhantomData,
    })
}

impl<F: TchElement, const D: usize, K: TchKind<F>> FromNdarrayTch for Tensor<LibTorch<F>, D, K> {
    type Device = LibTorchDevice;

    fn from_ndarray_tch<E, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &LibTorchDevice,
    ) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension,
    {
        let kind = burn_nd::backend::burn_kind(K::name())?;
        burn_nd::backend::check_target(array.ndim(), D, kind, E::DTYPE, true)?;
        let on_device = upload(array, tch::Device::from(*device))?;
        Ok(Tensor::from_primitive(K::wrap(TchTensor::new(on_device))))
    }
}

/// An `Autodiff` tensor made from an array is a leaf that does not require gradients.
///
/// ```no_run
/// # use burn021 as burn;
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
    type Device = LibTorchDevice;

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
