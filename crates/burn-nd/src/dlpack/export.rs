//! Tensor → DLPack: [`ToDlpack`], written once over [`LineTensor::export`], which each Burn line
//! implements with its backend lookup, and [`plan`], which decides for a CPU backend's tensor.

use std::ffi::c_void;
use std::sync::Arc;

use dlpark::ffi::{DLDevice, DLManagedTensor};
use dlpark::metadata::Dynamic;
use dlpark::{DlpackFlags, Managed, ManagedTensorBase};
use ndarray::ArrayViewD;

use super::dtype::dl_dtype;
use super::{Dlpack, LegacyDlpack};
use crate::convert::to::{into_host_buffer, LineTensor};
use crate::storage::{HostStorage, ViewFn};
use crate::{Error, HostBuffer, NdDType, NdElement};

/// A tensor as a DLPack managed tensor, for any consumer of DLPack: PyTorch
/// (`torch.from_dlpack`), NumPy, JAX, CuPy, or Rust code through dlpark. Implemented for every
/// tensor burn-nd converts: both Burn lines, Float, Int and Bool, `Autodiff` included (the
/// values as `detach()` gives them; nothing of the graph is exported).
///
/// What the export holds ([the module](crate::dlpack) says who may write it):
///
/// | tensor | export | flags |
/// |---|---|---|
/// | burn-flex or burn-ndarray, shared (every `to_dlpack`) or not row-major | the tensor's storage, its strides and offset, kept alive by the export | `READ_ONLY` |
/// | burn-flex or burn-ndarray, unique and row-major (`into_dlpack`) | the buffer Burn hands over | none: writable, no one else reaches it |
/// | negative strides (a `flip`) | a row-major copy (PyTorch 2.9 aborts the process on negative strides) | `IS_COPIED` |
/// | Bool, shared | a copy (a consumer ignoring `READ_ONLY` could write bytes that are no `bool`) | `IS_COPIED` |
/// | libtorch (CPU or not), wgpu, any other device | the backend's read-back into host memory | `IS_COPIED` |
///
/// The export is on the CPU (`kDLCPU`); bf16 is `kDLBfloat`, bool `kDLBool` (one byte).
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::dlpack::{DlpackFlags, ToDlpack};
///
/// let t = Tensor::<2, Int>::from_ints([[1, 2], [3, 4]], &Device::flex());
/// let shared = t.to_dlpack()?;
/// let tensor = shared.validate().unwrap();
/// assert_eq!((tensor.shape(), tensor.strides()), (&[2i64, 2][..], Some(&[2i64, 1][..])));
/// assert!(shared.flags().contains(DlpackFlags::READ_ONLY));
/// drop(shared); // the deleter: t's storage is t's alone again
///
/// let flipped = t.flip([0]).into_dlpack()?;
/// assert!(flipped.flags().contains(DlpackFlags::IS_COPIED));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait ToDlpack: Clone {
    /// The tensor as a versioned DLPack tensor, sharing its CPU memory read-only where it has
    /// one (one reference count), else a copy.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::dlpack::ToDlpack;
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// let exported = t.to_dlpack()?;
    /// assert_eq!(exported.validate().unwrap().num_elements(), 2);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_dlpack(&self) -> Result<Dlpack, Error> {
        self.clone().into_dlpack()
    }

    /// The tensor as a versioned DLPack tensor; a unique, row-major burn-flex or burn-ndarray
    /// tensor hands its buffer over, writable, with no copy.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::dlpack::{DlpackFlags, ToDlpack};
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex()) * 2.0;
    /// let exported = t.into_dlpack()?;
    /// assert_eq!(exported.flags(), DlpackFlags::empty());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_dlpack(self) -> Result<Dlpack, Error>;

    /// The tensor as a legacy DLPack tensor (DLPack < 1.0), for a consumer that takes no
    /// other. That ABI has no flags, so it cannot say "read-only": the export is always memory
    /// only it reaches, the buffer of a unique row-major tensor or else a copy.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::dlpack::ToDlpack;
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// let legacy = t.clone().into_dlpack_legacy()?; // t is shared: a copy
    /// assert_eq!(legacy.validate().unwrap().shape(), &[2]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_dlpack_legacy(self) -> Result<LegacyDlpack, Error>;

    /// A copy of the tensor's values that only the export owns (`IS_COPIED`, writable),
    /// whatever the tensor shares: what a consumer that asks for a copy gets.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::dlpack::{DlpackFlags, ToDlpack};
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// assert_eq!(t.to_dlpack_copied()?.flags(), DlpackFlags::IS_COPIED);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_dlpack_copied(&self) -> Result<Dlpack, Error>;

    /// The tensor's CPU memory made ready for any number of read-only exports, each one
    /// allocation ([`DlpackShare`]); `None` where [`to_dlpack`](Self::to_dlpack) would copy
    /// (libtorch, a device tensor, negative strides, Bool, storage of another type than the
    /// dtype, no elements); an `Err` for a dtype burn-nd has no name for (quantized).
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::dlpack::ToDlpack;
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// assert!(t.dlpack_share()?.is_some());
    /// assert!(t.clone().flip([0]).dlpack_share()?.is_none()); // negative strides: copied
    /// assert!(t.greater_elem(1.5).dlpack_share()?.is_none()); // Bool: copied
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn dlpack_share(&self) -> Result<Option<DlpackShare>, Error>;
}

/// Every line's tensors, through the line's [`LineTensor::export`].
impl<T: LineTensor + Clone> ToDlpack for T {
    fn into_dlpack(self) -> Result<Dlpack, Error> {
        let logical = self.logical_dtype()?;
        dlpack_of(self, logical)
    }

    fn into_dlpack_legacy(self) -> Result<LegacyDlpack, Error> {
        let logical = self.logical_dtype()?;
        legacy_dlpack_of(self, logical)
    }

    fn to_dlpack_copied(&self) -> Result<Dlpack, Error> {
        let logical = self.logical_dtype()?;
        // `self` still holds the tensor, so the clone's read never takes its buffer over.
        buffer_dlpack(into_host_buffer(self.clone(), logical)?, true)
    }

    fn dlpack_share(&self) -> Result<Option<DlpackShare>, Error> {
        let logical = self.logical_dtype()?;
        // `self` still holds the tensor, so the clone's export is never a hand-over.
        Ok(match self.clone().export(logical)? {
            Export::Shared(memory) => Some(DlpackShare::new(memory)),
            Export::HandOver(_) | Export::Copy(_) => None,
        })
    }
}

/// What a line's tensor gives for an export ([`LineTensor::export`]).
pub(crate) enum Export<T> {
    /// Its CPU backend's storage, shared read-only.
    Shared(SharedMemory),
    /// The tensor back, whose read hands Burn's buffer over: memory only the export reaches.
    HandOver(T),
    /// The tensor back, to be read into a copy.
    Copy(T),
}

/// What to do with a tensor of a CPU backend whose memory burn-nd shares ([`plan`]).
pub(crate) enum Plan {
    /// Share this storage.
    Share(SharedMemory),
    /// Burn's own read hands the buffer over with no copy: take that.
    HandOver,
    /// Copy (negative strides, a dtype stored as another, no elements).
    Copy,
}

impl Plan {
    /// The export of `tensor` (rebuilt by the line from the primitive this plan was made for).
    pub(crate) fn export<T>(self, tensor: T) -> Export<T> {
        match self {
            Plan::Share(memory) => Export::Shared(memory),
            Plan::HandOver => Export::HandOver(tensor),
            Plan::Copy => Export::Copy(tensor),
        }
    }
}

/// The plan for `tensor`: hand over a unique row-major buffer, else share the storage through
/// a clone of the handle (the share then counts as a handle, so the backend writes in place
/// into neither), else copy.
pub(crate) fn plan<T>(tensor: &T, logical: NdDType) -> Result<Plan, Error>
where
    T: HostStorage + Clone + Send + Sync + 'static,
{
    if tensor.handed_over() {
        return Ok(Plan::HandOver);
    }
    Ok(share(tensor.clone(), logical)?.map_or(Plan::Copy, Plan::Share))
}

/// A CPU backend's storage, shared: the logical first element's address, the layout in
/// elements (no stride negative), and the handle that keeps the memory alive.
pub(crate) struct SharedMemory {
    first: usize,
    shape: Vec<usize>,
    strides: Vec<isize>,
    dtype: NdDType,
    _owner: Box<dyn Send + Sync>,
}

/// `tensor`'s storage as [`SharedMemory`], or `None` where it is not shared as it is: a
/// stride below zero, storage that holds another type than the tensor's dtype (bools kept as
/// `u32`), no elements, no host memory, and Bool storage: a consumer that ignores `READ_ONLY`
/// (PyTorch 2.9 does) could write a byte other than 0 or 1 into memory Burn reads as `bool`,
/// which is undefined behaviour in Rust, where a written number is only a changed value.
pub(crate) fn share<T>(tensor: T, logical: NdDType) -> Result<Option<SharedMemory>, Error>
where
    T: HostStorage + Send + Sync + 'static,
{
    /// The view's first element and layout, when it can be exported as it is.
    struct Layout(NdDType);
    impl ViewFn for Layout {
        type Out = Option<(usize, Vec<usize>, Vec<isize>)>;
        fn call<S: NdElement>(self, view: &ArrayViewD<'_, S>) -> Self::Out {
            let shareable =
                S::DTYPE == self.0 && !view.is_empty() && view.strides().iter().all(|&s| s >= 0);
            shareable.then(|| {
                let first = view.as_ptr() as usize;
                (first, view.shape().to_vec(), view.strides().to_vec())
            })
        }
    }
    if logical == NdDType::Bool {
        // Decided before any view: a view of bool storage checks every byte first.
        return Ok(None);
    }
    let Some(layout) = tensor.with_view(Layout(logical)).transpose()? else {
        return Ok(None);
    };
    Ok(layout.map(|(first, shape, strides)| SharedMemory {
        // The storage is on the heap, behind the handle: moving the handle into `_owner`
        // moves no byte of it.
        first,
        shape,
        strides,
        dtype: logical,
        _owner: Box::new(tensor),
    }))
}

/// A tensor's CPU memory made ready once for any number of read-only DLPack exports
/// ([`to_dlpack`](Self::to_dlpack)), each of which then costs one small allocation: what a
/// Python object handing the same tensor out again and again keeps (burn-nd-numpy's
/// `PyTensor` does). It holds a handle of the tensor's storage, so Burn writes no byte of that
/// memory while this or any export of it lives ([the module](crate::dlpack) says why).
/// [`ToDlpack::dlpack_share`] makes one.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_nd::dlpack::{DlpackFlags, ToDlpack};
///
/// let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &Device::flex());
/// let share = t.dlpack_share()?.expect("burn-flex memory is shared");
/// let (first, second) = (share.to_dlpack()?, share.to_dlpack()?);
/// assert_eq!(first.validate().unwrap().data_ptr(), second.validate().unwrap().data_ptr());
/// assert!(first.flags().contains(DlpackFlags::READ_ONLY));
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Clone)]
pub struct DlpackShare {
    memory: Arc<SharedMemory>,
}

impl DlpackShare {
    fn new(memory: SharedMemory) -> Self {
        DlpackShare {
            memory: Arc::new(memory),
        }
    }

    /// A read-only versioned export of the memory, which keeps it alive until its deleter
    /// runs.
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd::dlpack::ToDlpack;
    ///
    /// let share = Tensor::<1, Int>::from_ints([1, 2, 3], &Device::flex()).dlpack_share()?;
    /// let exported = share.unwrap().to_dlpack()?;
    /// assert_eq!(exported.validate().unwrap().shape(), &[3]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_dlpack(&self) -> Result<Dlpack, Error> {
        let memory = &*self.memory;
        let mut managed = Dynamic::new(&memory.shape[..], &memory.strides[..])
            .initialize(Arc::clone(&self.memory))
            .map_err(dlpack_error)?;
        managed
            .set_data(memory.first as *mut c_void)
            .set_dtype(dl_dtype(memory.dtype))
            .set_device(DLDevice::CPU)
            .set_flags(DlpackFlags::READ_ONLY)
            .map_err(dlpack_error)?;
        // SAFETY: `first` is the first element of storage that `_owner` (a handle of the
        // tensor, kept by the `Arc` the managed tensor now holds and drops in its deleter)
        // keeps alive and in place; the shape and non-negative strides are the backend's own
        // layout of that storage, inside it (burn-nd's bounds check of burn-flex's layout,
        // ndarray's own invariant for burn-ndarray's arrays), copied into the managed
        // allocation. The flags are true: the backend writes in place only into storage no
        // other handle shares (the module's contract), and the consumer is told not to write.
        // One that ignores the flag (PyTorch 2.9) changes values Burn reads, the hazard of
        // `torch.from_numpy`; never `bool` bytes, since no Bool storage is shared (`share`).
        Ok(unsafe { managed.finish() })
    }
}

/// The versioned export of a line's tensor of dtype `logical`.
fn dlpack_of<T: LineTensor>(tensor: T, logical: NdDType) -> Result<Dlpack, Error> {
    match tensor.export(logical)? {
        Export::Shared(memory) => DlpackShare::new(memory).to_dlpack(),
        // The read takes Burn's own buffer when `plan` saw it handed over.
        Export::HandOver(tensor) => buffer_dlpack(into_host_buffer(tensor, logical)?, false),
        Export::Copy(tensor) => buffer_dlpack(into_host_buffer(tensor, logical)?, true),
    }
}

/// The legacy export: the buffer Burn hands over, or a copy (the ABI cannot say read-only).
fn legacy_dlpack_of<T: LineTensor>(tensor: T, logical: NdDType) -> Result<LegacyDlpack, Error> {
    buffer_dlpack::<DLManagedTensor>(into_host_buffer(tensor, logical)?, false)
}

/// dlpark's allocation error as burn-nd's.
fn dlpack_error(e: impl std::fmt::Display) -> Error {
    Error::Dlpack {
        reason: e.to_string(),
    }
}

/// `buffer` as an export (versioned or legacy, `M`) that owns it, row-major and writable:
/// nothing else reaches a `HostBuffer`'s memory. `copied` when the buffer is a copy made for
/// this export (`IS_COPIED`).
fn buffer_dlpack<M: ManagedTensorBase>(
    mut buffer: HostBuffer,
    copied: bool,
) -> Result<Managed<M>, Error> {
    let data = buffer.as_bytes_mut().as_mut_ptr().cast::<c_void>();
    let (shape, dtype) = (buffer.shape().to_vec(), buffer.dtype());
    let mut managed = Dynamic::compact(shape)
        .initialize_as::<M>(Box::new(buffer))
        .map_err(dlpack_error)?;
    managed
        .set_data(data)
        .set_dtype(dl_dtype(dtype))
        .set_device(DLDevice::CPU);
    if copied {
        // SAFETY: `IS_COPIED` says the consumer owns an unaliased copy: the buffer is a copy
        // this export alone owns (the legacy ABI stores no flags, and is never called so).
        unsafe { managed.set_flags_unchecked(DlpackFlags::IS_COPIED) };
    }
    // SAFETY: `data` is the buffer's memory, which stays at one address for the buffer's
    // life (`HostBuffer`'s promise) and is freed only when the deleter drops the buffer; its
    // shape and compact strides are the buffer's row-major layout, in the managed
    // allocation; nothing else reaches that memory, so the export may be written.
    Ok(unsafe { managed.finish() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An export built from a `HostBuffer` describes it exactly, and its deleter frees it
    /// once, when the managed tensor is dropped.
    #[test]
    fn a_buffer_export_describes_the_buffer() {
        let values = vec![1i16, 2, 3, 4, 5, 6];
        let address = values.as_ptr() as usize;
        let buffer = HostBuffer::from_vec(values, vec![2, 3]);
        let exported: Dlpack = buffer_dlpack(buffer, true).unwrap();
        let tensor = exported.validate().unwrap();
        assert_eq!(tensor.data_ptr() as usize, address);
        assert_eq!(tensor.shape(), &[2, 3]);
        assert_eq!(tensor.strides(), Some(&[3i64, 1][..]));
        assert_eq!(tensor.dtype(), dl_dtype(NdDType::I16));
        assert_eq!(exported.flags(), DlpackFlags::IS_COPIED);
        let legacy: LegacyDlpack =
            buffer_dlpack(HostBuffer::from_vec(vec![true], vec![1]), false).unwrap();
        assert_eq!(legacy.validate().unwrap().num_bytes(), 1);
    }
}
