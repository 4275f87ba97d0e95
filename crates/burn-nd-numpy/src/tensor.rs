//! [`PyTensor`]: a Burn tensor as a Python object that NumPy, PyTorch and JAX take directly
//! (DLPack, `__array__`, the buffer protocol).

use std::ffi::{c_int, CStr};
use std::sync::OnceLock;

use burn_nd::dlpack::{nd_dtype, Dlpack, DlpackFlags, DlpackShare, LegacyDlpack, ToDlpack};
use burn_nd::{HostBuffer, NdDType, ToNdarray};
use numpy::PyUntypedArray;
use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3::{ffi, IntoPyObjectExt};

use crate::dtype::numpy_descr;
use crate::to::{host_buffer_into_numpy, numpy_over, Access};
use crate::to_py_err;

/// What a [`PyTensor`] does with the tensor it holds, whatever its line, rank and kind.
trait AnyTensor: Send + Sync {
    /// The memory that exports share read-only, where the backend's memory is shared.
    fn share(&self) -> Result<Option<DlpackShare>, burn_nd::Error>;
    /// A versioned export of a copy only it owns.
    fn copied(&self) -> Result<Dlpack, burn_nd::Error>;
    /// A legacy export (a copy: the tensor is still held, and the ABI cannot say read-only).
    fn legacy(&self) -> Result<LegacyDlpack, burn_nd::Error>;
    /// The values in a new buffer of their own.
    fn host_buffer(&self) -> Result<HostBuffer, burn_nd::Error>;
    fn shape(&self) -> Vec<usize>;
    fn dtype(&self) -> Result<NdDType, burn_nd::Error>;
    fn device(&self) -> String;
}

/// A tensor of rank `D`, so its [`ToNdarray`] can be named.
struct Ranked<const D: usize, T>(T);

impl<const D: usize, T> AnyTensor for Ranked<D, T>
where
    T: ToNdarray<D> + ToDlpack + Send + Sync + 'static,
{
    fn share(&self) -> Result<Option<DlpackShare>, burn_nd::Error> {
        self.0.dlpack_share()
    }
    fn copied(&self) -> Result<Dlpack, burn_nd::Error> {
        self.0.to_dlpack_copied()
    }
    fn legacy(&self) -> Result<LegacyDlpack, burn_nd::Error> {
        self.0.clone().into_dlpack_legacy()
    }
    fn host_buffer(&self) -> Result<HostBuffer, burn_nd::Error> {
        self.0.clone().into_host_buffer()
    }
    fn shape(&self) -> Vec<usize> {
        self.0.nd_shape()
    }
    fn dtype(&self) -> Result<NdDType, burn_nd::Error> {
        self.0.nd_dtype()
    }
    fn device(&self) -> String {
        self.0.nd_device()
    }
}

/// A Burn tensor (any tensor burn-nd converts: either line, any backend, Float, Int or Bool,
/// `Autodiff` included; rank and kind erased) as a Python object the array world takes
/// directly, for a Rust extension to return: `torch.from_dlpack(t)`, `np.from_dlpack(t)`,
/// `jax.numpy.from_dlpack(t)`, `np.asarray(t)`, `memoryview(t)`. Register the class in the
/// module (`m.add_class::<PyTensor>()`); Python sees it as `PyTensor`.
///
/// **Memory.** A burn-flex or burn-ndarray tensor's consumers read the tensor's own storage
/// (with its strides), read-only: the DLPack export carries `READ_ONLY`, NumPy's arrays have
/// `flags.writeable == False`, the buffer is read-only, and Burn writes no byte of it while a
/// consumer holds it (burn-nd's `dlpack` module says why). PyTorch 2.9 ignores `READ_ONLY`:
/// its in-place ops on `torch.from_dlpack(t)` change the values Burn reads, as they do with
/// `torch.from_numpy`; `torch.from_dlpack(t, copy=True)` gives a tensor of its own. Other
/// tensors (libtorch, wgpu, a `flip`'s negative strides, Bool, whose bytes a consumer ignoring
/// `READ_ONLY` could make no `bool`) are read into a copy the consumer owns; for a device tensor that
/// read runs with the GIL released. Every export is in host memory: `__dlpack_device__` is
/// `(kDLCPU, 0)`, whatever device the tensor is on.
///
/// In Python:
/// - `__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None)`, the array API
///   standard's: a versioned capsule when `max_version` allows it, else the legacy one (always a
///   copy: that ABI cannot say read-only); `stream` must be `None`, `dl_device` the CPU;
///   `copy=True` always copies, `copy=False` raises `BufferError` where a copy is needed.
/// - `__dlpack_device__()` → `(1, 0)`.
/// - `__array__(dtype=None, copy=None)`, NumPy 2's: `copy=False` raises `ValueError` where a
///   copy (or a cast) is needed; `copy=True` gives a writeable array of its own.
/// - `numpy(*, force=False)`, like `torch.Tensor.numpy`: the shared read-only view, or a
///   `TypeError` when only a copy is possible; `force=True` always copies (writeable).
/// - `shape` (a tuple), `ndim`, `dtype` (a NumPy dtype; `ml_dtypes.bfloat16` for bf16), `device`
///   (Burn's name for it), `repr()`.
/// - The buffer protocol (`memoryview(t)`): read-only, and only the tensor's own memory (a
///   `BufferError` where that would take a copy); bf16 has no buffer format and is a
///   `BufferError` there.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_nd_numpy::PyTensor;
/// use pyo3::prelude::*;
///
/// Python::attach(|py| -> PyResult<()> {
///     let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &Device::flex());
///     let object = Bound::new(py, PyTensor::new(t))?;
///     let a = py.import("numpy")?.call_method1("from_dlpack", (&object,))?;
///     assert_eq!(a.getattr("shape")?.extract::<(usize, usize)>()?, (2, 2));
///     assert!(!a.getattr("flags")?.getattr("writeable")?.extract::<bool>()?);
///     Ok(())
/// })?;
/// # Ok::<_, PyErr>(())
/// ```
#[pyclass(module = "burn_nd_numpy", name = "PyTensor", frozen)]
pub struct PyTensor {
    tensor: Box<dyn AnyTensor>,
    /// The tensor's shared memory, made ready on the first export that wants it (the tensor
    /// never changes, so neither does it): `None` inside when every export is a copy.
    share: OnceLock<Option<DlpackShare>>,
}

impl PyTensor {
    /// Wraps `tensor` (no read, no copy).
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd_numpy::PyTensor;
    ///
    /// let wrapped = PyTensor::new(Tensor::<1, Int>::from_ints([1, 2], &Device::flex()));
    /// # let _ = wrapped;
    /// ```
    pub fn new<const D: usize, T>(tensor: T) -> Self
    where
        T: ToNdarray<D> + ToDlpack + Send + Sync + 'static,
    {
        PyTensor {
            tensor: Box::new(Ranked::<D, T>(tensor)),
            share: OnceLock::new(),
        }
    }

    /// A read-only export of the tensor's memory where it is shared, else a copy (read with
    /// the GIL released).
    fn shared(&self, py: Python<'_>) -> PyResult<Dlpack> {
        match self.share(py)? {
            Some(share) => share.to_dlpack().map_err(to_py_err),
            None => {
                let tensor = &*self.tensor;
                py.detach(|| tensor.copied()).map_err(to_py_err)
            }
        }
    }

    /// A read-only export of the tensor's memory, or a `BufferError` where only a copy is
    /// possible (refused before any copy is made).
    fn shared_only(&self, py: Python<'_>) -> PyResult<Dlpack> {
        let share = self.share(py)?;
        let share = share.ok_or_else(|| PyBufferError::new_err(self.needs_copy()))?;
        share.to_dlpack().map_err(to_py_err)
    }

    /// The tensor's shared memory, made ready once. That reads no device, but may wait (a
    /// clone of a fusion tensor from another stream waits for its server), so with the GIL
    /// released.
    fn share(&self, py: Python<'_>) -> PyResult<Option<&DlpackShare>> {
        if let Some(share) = self.share.get() {
            return Ok(share.as_ref());
        }
        let tensor = &*self.tensor;
        let share = py.detach(|| tensor.share()).map_err(to_py_err)?;
        // Another thread may have made it meanwhile: the same memory, and its copy is dropped.
        Ok(self.share.get_or_init(|| share).as_ref())
    }

    /// A NumPy array over the tensor's memory (read-only) where it has one on the host; else
    /// over a copy (writeable), or `None` when `no_copy`.
    fn array<'py>(
        &self,
        py: Python<'py>,
        no_copy: bool,
    ) -> PyResult<Option<Bound<'py, PyUntypedArray>>> {
        if no_copy && self.share(py)?.is_none() {
            return Ok(None);
        }
        array_over(py, self.shared(py)?).map(Some)
    }

    /// A new writeable NumPy array of the tensor's values.
    fn fresh<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
        let tensor = &*self.tensor;
        let buffer = py.detach(|| tensor.host_buffer()).map_err(to_py_err)?;
        host_buffer_into_numpy(py, buffer)
    }

    /// Why a no-copy request cannot be met.
    fn needs_copy(&self) -> String {
        format!(
            "the {} tensor on {} has no host memory that can be shared as it is laid out \
             (a device tensor, a libtorch tensor, a Bool tensor, or negative strides): a copy \
             is needed",
            self.dtype_name(),
            self.tensor.device()
        )
    }

    fn dtype_name(&self) -> &'static str {
        self.tensor.dtype().map_or("quantized", NdDType::name)
    }
}

/// A NumPy array over an export's memory, owning it (read-only unless the export is a copy
/// that only it reaches).
fn array_over(py: Python<'_>, exported: Dlpack) -> PyResult<Bound<'_, PyUntypedArray>> {
    let described = exported
        .validate()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let dtype = nd_dtype(described.dtype()).map_err(to_py_err)?;
    let shape: Vec<usize> = described.shape().iter().map(|&n| n as usize).collect();
    let strides = described
        .strides_or_compact()
        .map_err(|e| PyValueError::new_err(e.to_string()))?
        .iter()
        .map(|&s| usize::try_from(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| PyValueError::new_err("a negative stride in a burn-nd export"))?;
    let data = (described.data_ptr() as usize + described.byte_offset() as usize) as *mut u8;
    let access = if exported.flags().contains(DlpackFlags::READ_ONLY) {
        Access::ReadOnly
    } else {
        Access::Writeable
    };
    let owner = PyCapsule::new_with_value(py, exported, c"burn_nd_numpy.Dlpack")?.into_any();
    // SAFETY: burn-nd's exports are aligned elements of `dtype` in host memory, laid out by
    // the descriptor with non-negative strides, alive until the managed tensor (owned by
    // `owner`) is dropped; one without `READ_ONLY` is memory only it reaches.
    unsafe { numpy_over(owner, data, &shape, &strides, dtype, access) }
}

/// The `struct` format character of `dtype`'s elements (native order), for the buffer
/// protocol; bf16 has none.
fn buffer_format(dtype: NdDType) -> Option<&'static CStr> {
    Some(match dtype {
        NdDType::F64 => c"d",
        NdDType::F32 => c"f",
        NdDType::F16 => c"e",
        NdDType::I64 => c"q",
        NdDType::I32 => c"i",
        NdDType::I16 => c"h",
        NdDType::I8 => c"b",
        NdDType::U64 => c"Q",
        NdDType::U32 => c"I",
        NdDType::U16 => c"H",
        NdDType::U8 => c"B",
        NdDType::Bool => c"?",
        NdDType::BF16 => return None,
    })
}

/// What a buffer view (`memoryview(t)`) keeps alive until it is released.
struct BufferParts {
    _exported: Dlpack,
    shape: Vec<ffi::Py_ssize_t>,
    strides: Vec<ffi::Py_ssize_t>,
}

#[pymethods]
impl PyTensor {
    /// The Python array API's `__dlpack__`.
    #[pyo3(signature = (*, stream = None, max_version = None, dl_device = None, copy = None))]
    fn __dlpack__<'py>(
        &self,
        py: Python<'py>,
        stream: Option<Bound<'py, PyAny>>,
        max_version: Option<(u32, u32)>,
        dl_device: Option<(u32, i32)>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if stream.is_some() {
            return Err(PyBufferError::new_err(
                "stream must be None: a Burn tensor's DLPack export is in host memory",
            ));
        }
        if let Some(device) = dl_device.filter(|&device| device != (1, 0)) {
            return Err(PyBufferError::new_err(format!(
                "a Burn tensor exports to the CPU, (1, 0) (kDLCPU), only; asked for {device:?}"
            )));
        }
        if max_version.is_none_or(|(major, _)| major < 1) {
            // The legacy ABI has no READ_ONLY flag: memory Burn shares cannot go out that way.
            if copy == Some(false) {
                return Err(PyBufferError::new_err(
                    "the legacy DLPack ABI (no max_version) cannot mark memory read-only, so a \
                     Burn tensor goes out that way as a copy: pass max_version=(1, 0) or \
                     allow the copy",
                ));
            }
            let tensor = &*self.tensor;
            let exported = py.detach(|| tensor.legacy()).map_err(to_py_err)?;
            return exported.into_pyobject(py);
        }
        let exported = match copy {
            Some(true) => {
                let tensor = &*self.tensor;
                py.detach(|| tensor.copied()).map_err(to_py_err)?
            }
            Some(false) => self.shared_only(py)?,
            None => self.shared(py)?,
        };
        exported.into_pyobject(py)
    }

    /// `(kDLCPU, 0)`: every export is in host memory.
    fn __dlpack_device__(&self) -> (u32, i32) {
        (1, 0)
    }

    /// NumPy 2's `__array__`.
    #[pyo3(signature = (dtype = None, copy = None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let array = if copy == Some(true) {
            self.fresh(py)?
        } else {
            self.array(py, copy == Some(false))?
                .ok_or_else(|| PyValueError::new_err(self.needs_copy()))?
        };
        let Some(dtype) = dtype else {
            return Ok(array.into_any());
        };
        let wanted = py.import("numpy")?.getattr("dtype")?.call1((dtype,))?;
        if array.getattr("dtype")?.eq(&wanted)? {
            return Ok(array.into_any());
        }
        if copy == Some(false) {
            return Err(PyValueError::new_err(format!(
                "a {} tensor as {wanted} needs a copy (a cast)",
                self.dtype_name()
            )));
        }
        array.call_method1("astype", (wanted,))
    }

    /// `torch.Tensor.numpy`: the shared (read-only) view, or with `force=True` a copy.
    #[pyo3(signature = (*, force = false))]
    fn numpy<'py>(&self, py: Python<'py>, force: bool) -> PyResult<Bound<'py, PyUntypedArray>> {
        if force {
            return self.fresh(py);
        }
        self.array(py, true)?.ok_or_else(|| {
            PyTypeError::new_err(format!("{}; use numpy(force=True)", self.needs_copy()))
        })
    }

    /// The shape, as a tuple.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pyo3::types::PyTuple::new(py, self.tensor.shape())
    }

    /// The rank.
    #[getter]
    fn ndim(&self) -> usize {
        self.tensor.shape().len()
    }

    /// The dtype, as a NumPy dtype (`ml_dtypes.bfloat16` for bf16).
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dtype = self.tensor.dtype().map_err(to_py_err)?;
        numpy_descr(py, dtype)?.into_bound_py_any(py)
    }

    /// Burn's device, as it prints it.
    #[getter]
    fn device(&self) -> String {
        self.tensor.device()
    }

    fn __repr__(&self) -> String {
        format!(
            "PyTensor(shape={:?}, dtype={}, device={})",
            self.tensor.shape(),
            self.dtype_name(),
            self.tensor.device()
        )
    }

    /// The buffer protocol: read-only, the tensor's own memory only (a `BufferError` where
    /// that would take a copy, or a contiguity the layout does not have).
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let wants = |bits: c_int| flags & bits == bits;
        if view.is_null() {
            return Err(PyBufferError::new_err("no Py_buffer to fill"));
        }
        // SAFETY: `view` is the caller's buffer struct, checked non-null. CPython wants `obj`
        // NULL when the request fails, which every return below but the last is.
        unsafe { (*view).obj = std::ptr::null_mut() };
        if wants(ffi::PyBUF_WRITABLE) {
            return Err(PyBufferError::new_err(
                "a Burn tensor's buffer is read-only",
            ));
        }
        let py = slf.py();
        let this = slf.get();
        let dtype = this.tensor.dtype().map_err(to_py_err)?;
        let format = buffer_format(dtype).ok_or_else(|| {
            PyBufferError::new_err("bfloat16 has no buffer format: use np.asarray(t) instead")
        })?;
        // Only the tensor's own memory, never a copy: a consumer that can take a copy
        // (`np.asarray`) falls back to `__array__`, which honours `copy=False`.
        let exported = this.shared_only(py)?;
        let row_major = exported
            .validate()
            .and_then(|t| t.is_compact())
            .unwrap_or(false);
        let contiguous = !wants(ffi::PyBUF_STRIDES)
            || wants(ffi::PyBUF_C_CONTIGUOUS)
            || wants(ffi::PyBUF_F_CONTIGUOUS)
            || wants(ffi::PyBUF_ANY_CONTIGUOUS);
        if contiguous && !row_major {
            return Err(PyBufferError::new_err(
                "the tensor's memory is strided: a contiguous buffer needs a copy \
                 (np.ascontiguousarray(t) makes one)",
            ));
        }
        let described = exported
            .validate()
            .map_err(|e| PyBufferError::new_err(e.to_string()))?;
        if wants(ffi::PyBUF_F_CONTIGUOUS)
            && described.shape().iter().filter(|&&n| n > 1).count() > 1
        {
            return Err(PyBufferError::new_err(
                "a Burn tensor's buffer is row-major (C order), not Fortran order",
            ));
        }
        let itemsize = dtype.size() as ffi::Py_ssize_t;
        let shape: Vec<ffi::Py_ssize_t> = described.shape().iter().map(|&n| n as _).collect();
        let strides: Vec<ffi::Py_ssize_t> = described
            .strides_or_compact()
            .map_err(|e| PyBufferError::new_err(e.to_string()))?
            .iter()
            .map(|&s| s as ffi::Py_ssize_t * itemsize)
            .collect();
        let data = (described.data_ptr() as usize + described.byte_offset() as usize) as *mut _;
        let len = described.num_elements() as ffi::Py_ssize_t * itemsize;
        // Without `PyBUF_ND` the consumer gets no shape: the buffer is one run of bytes, of
        // one dimension (as `PyBuffer_FillInfo` says), else CPython would read a NULL shape.
        let ndim = if wants(ffi::PyBUF_ND) {
            shape.len() as c_int
        } else {
            1
        };
        let parts = Box::into_raw(Box::new(BufferParts {
            _exported: exported,
            shape,
            strides,
        }));
        // SAFETY: `view` is the caller's buffer struct (checked non-null); `parts` owns the
        // export (so `data` stays valid) and the shape and strides arrays until
        // `__releasebuffer__` frees it; the buffer is read-only, as the export is.
        unsafe {
            (*view).buf = data;
            (*view).obj = slf.clone().into_any().into_ptr();
            (*view).len = len;
            (*view).readonly = 1;
            (*view).itemsize = itemsize;
            (*view).format = if wants(ffi::PyBUF_FORMAT) {
                format.as_ptr().cast_mut()
            } else {
                std::ptr::null_mut()
            };
            (*view).ndim = ndim;
            (*view).shape = if wants(ffi::PyBUF_ND) {
                (*parts).shape.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            };
            (*view).strides = if wants(ffi::PyBUF_STRIDES) {
                (*parts).strides.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            };
            (*view).suboffsets = std::ptr::null_mut();
            (*view).internal = parts.cast();
        }
        Ok(())
    }

    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `internal` is the `BufferParts` `__getbuffer__` leaked for this view, freed
        // here once (Python releases each view once).
        unsafe { drop(Box::from_raw((*view).internal.cast::<BufferParts>())) };
    }
}
