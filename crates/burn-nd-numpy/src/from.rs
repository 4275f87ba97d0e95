//! `numpy.ndarray` → tensor: [`FromNumpy`].

use burn_nd::half::bf16;
use std::borrow::Cow;

use burn_nd::ndarray::ArrayViewD;
use burn_nd::{Casting, DTypeLike, FromNdarray, NdDType, NdElement};
use numpy::{
    PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::borrow::shared_borrow;
use crate::dtype::nd_dtype;
use crate::to_py_err;
#[cfg(feature = "dlpack")]
use dlpark::python::ImportedDlpack;

/// Builds any tensor burn-nd builds (Float, Int or Bool, any backend, `Autodiff` included,
/// either Burn line) from a `numpy.ndarray`: the Rust side of `torch.from_numpy`.
///
/// - Any NumPy array whose dtype Burn has (float64/32/16, `ml_dtypes.bfloat16`, every int
///   and uint, bool), in any layout: C or Fortran order, negative or stepped strides,
///   read-only, big-endian. The tensor receives the values in logical order.
/// - [`from_numpy`](Self::from_numpy) keeps the array's dtype; a dtype the tensor kind or the
///   backend does not hold is a `TypeError` (burn-nd's `Error::Unsupported`).
///   [`from_numpy_as`](Self::from_numpy_as) converts to a given dtype under a [`Casting`].
/// - **Zero-copy:** a C-contiguous, aligned, native-endian array converted to its own dtype
///   (not bool) becomes a tensor whose bytes are the NumPy buffer, kept alive by a reference
///   to the array ([`FromNdarray::from_shared_bytes`]). burn-flex and burn-ndarray keep those
///   bytes; other backends upload from them. The tensor never writes them: an in-place
///   operation copies first. Until the last tensor on that memory is dropped, the array
///   holds a shared borrow in rust-numpy's borrow checker, so Rust code cannot take `&mut`
///   to it (`readwrite()` fails; a `ValueError` here if one is live already).
///   What Rust cannot stop, as with `torch.from_numpy`: values written into the array from
///   Python show in the tensor, so do not write into the array while the tensor is in use
///   (NumPy's `a.setflags(write=False)` makes that a Python error); and `a.resize(...,
///   refcheck=False)` or closing an `np.memmap` the array views frees memory the tensor
///   still reads.
/// - Any other array is copied once (cast on the way); a big-endian or misaligned one is
///   first made native by NumPy (`astype`), a bool one is read byte by byte (`!= 0`).
///
/// ```
/// use burn::tensor::{DType, Device, Int, Tensor};
/// use burn_nd::Casting;
/// use burn_nd_numpy::FromNumpy;
/// use pyo3::prelude::*;
///
/// Python::attach(|py| -> PyResult<()> {
///     let np = py.import("numpy")?;
///     let a = np.call_method1("arange", (0, 6, 1, "int32"))?.call_method1("reshape", ((2, 3),))?;
///     let t = Tensor::<2, Int>::from_numpy(&a, &Device::flex())?;
///     assert_eq!((t.dims(), t.dtype()), ([2, 3], DType::I32));
///     let wide = Tensor::<2, Int>::from_numpy_as(&a, &Device::flex(), DType::I64, Casting::Safe)?;
///     assert_eq!(wide.dtype(), DType::I64);
///     assert!(Tensor::<2>::from_numpy(&a, &Device::flex()).is_err()); // Float holds no int32
///     Ok(())
/// })?;
/// # Ok::<_, PyErr>(())
/// ```
pub trait FromNumpy: FromNdarray {
    /// A tensor of the array's own dtype on `device`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd_numpy::FromNumpy;
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| -> PyResult<()> {
    ///     let a = py.import("numpy")?.call_method1("ones", ((2, 2), "float64"))?;
    ///     assert_eq!(Tensor::<2>::from_numpy(&a, &Device::flex())?.dtype(), DType::F64);
    ///     Ok(())
    /// })?;
    /// # Ok::<_, PyErr>(())
    /// ```
    fn from_numpy(array: &Bound<'_, PyAny>, device: &Self::Device) -> PyResult<Self>;

    /// A tensor of `dtype` on `device`, the array's values cast under `casting`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd::Casting;
    /// use burn_nd_numpy::FromNumpy;
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| -> PyResult<()> {
    ///     let a = py.import("numpy")?.call_method1("ones", (3, "float64"))?;
    ///     let t = Tensor::<1>::from_numpy_as(&a, &Device::flex(), DType::F32, Casting::SameKind)?;
    ///     assert_eq!(t.dtype(), DType::F32);
    ///     assert!(Tensor::<1>::from_numpy_as(&a, &Device::flex(), DType::F32, Casting::Safe).is_err());
    ///     Ok(())
    /// })?;
    /// # Ok::<_, PyErr>(())
    /// ```
    fn from_numpy_as(
        array: &Bound<'_, PyAny>,
        device: &Self::Device,
        dtype: Self::DType,
        casting: Casting,
    ) -> PyResult<Self>;

    /// A tensor of `object`'s own dtype on `device`, from anything a Python user holds: a
    /// NumPy array ([`from_numpy`](Self::from_numpy)'s rules), any `__dlpack__` producer on
    /// the CPU or a DLPack capsule (a PyTorch or JAX array, a [`PyTensor`](crate::PyTensor); burn-nd's
    /// `FromDlpack`: no copy where the memory is row-major and aligned, and the producer's
    /// deleter runs when the last tensor on it is gone), or a buffer-protocol object
    /// (`bytes`, `array.array`, a `memoryview`; taken as NumPy reads it, shared where it is
    /// row-major, so what is written into a writeable one afterwards, a `bytearray`, shows
    /// in the tensor, as with `torch.frombuffer`). A producer on another
    /// device is a `ValueError` naming it; a PyTorch tensor that requires grad gives PyTorch's
    /// own error (call `detach()`); anything else a `TypeError`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd_numpy::FromNumpy;
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| -> PyResult<()> {
    ///     let array = py.import("array")?.call_method1("array", ("d", vec![1.0, 2.0]))?;
    ///     let t = Tensor::<1>::from_python(&array, &Device::flex())?;
    ///     assert_eq!(t.dtype(), DType::F64);
    ///     Ok(())
    /// })?;
    /// # Ok::<_, PyErr>(())
    /// ```
    #[cfg(feature = "dlpack")]
    fn from_python(object: &Bound<'_, PyAny>, device: &Self::Device) -> PyResult<Self>;

    /// [`from_python`](Self::from_python) to `dtype`, the values cast under `casting`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd::Casting;
    /// use burn_nd_numpy::FromNumpy;
    /// use pyo3::prelude::*;
    ///
    /// Python::attach(|py| -> PyResult<()> {
    ///     let array = py.import("array")?.call_method1("array", ("d", vec![1.0, 2.0]))?;
    ///     let t = Tensor::<1>::from_python_as(&array, &Device::flex(), DType::F32, Casting::SameKind)?;
    ///     assert_eq!(t.dtype(), DType::F32);
    ///     Ok(())
    /// })?;
    /// # Ok::<_, PyErr>(())
    /// ```
    #[cfg(feature = "dlpack")]
    fn from_python_as(
        object: &Bound<'_, PyAny>,
        device: &Self::Device,
        dtype: Self::DType,
        casting: Casting,
    ) -> PyResult<Self>;
}

impl<T: FromNdarray> FromNumpy for T
where
    T::DType: DTypeLike + PartialEq,
{
    fn from_numpy(array: &Bound<'_, PyAny>, device: &T::Device) -> PyResult<T> {
        let input = Input::new(array)?;
        let dtype = match input.dtype {
            NdDType::Bool => T::bool_dtype(device),
            dtype => T::DType::from(dtype),
        };
        input.into_tensor(device, dtype, Casting::No)
    }

    fn from_numpy_as(
        array: &Bound<'_, PyAny>,
        device: &T::Device,
        dtype: T::DType,
        casting: Casting,
    ) -> PyResult<T> {
        Input::new(array)?.into_tensor(device, dtype, casting)
    }

    #[cfg(feature = "dlpack")]
    fn from_python(object: &Bound<'_, PyAny>, device: &T::Device) -> PyResult<T> {
        use burn_nd::dlpack::FromDlpack;
        match PythonSource::of(object)? {
            PythonSource::Numpy(array) => T::from_numpy(&array, device),
            PythonSource::Dlpack(ImportedDlpack::Versioned(dlpack)) => {
                T::from_dlpack(dlpack, device).map_err(to_py_err)
            }
            PythonSource::Dlpack(ImportedDlpack::Legacy(dlpack)) => {
                T::from_dlpack(dlpack, device).map_err(to_py_err)
            }
        }
    }

    #[cfg(feature = "dlpack")]
    fn from_python_as(
        object: &Bound<'_, PyAny>,
        device: &T::Device,
        dtype: T::DType,
        casting: Casting,
    ) -> PyResult<T> {
        use burn_nd::dlpack::FromDlpack;
        match PythonSource::of(object)? {
            PythonSource::Numpy(array) => T::from_numpy_as(&array, device, dtype, casting),
            PythonSource::Dlpack(ImportedDlpack::Versioned(dlpack)) => {
                T::from_dlpack_as(dlpack, device, dtype, casting).map_err(to_py_err)
            }
            PythonSource::Dlpack(ImportedDlpack::Legacy(dlpack)) => {
                T::from_dlpack_as(dlpack, device, dtype, casting).map_err(to_py_err)
            }
        }
    }
}

/// What [`FromNumpy::from_python`] was given, taken in.
#[cfg(feature = "dlpack")]
enum PythonSource<'py> {
    /// A NumPy array, or NumPy's view of a buffer-protocol object.
    Numpy(Bound<'py, PyAny>),
    /// The DLPack tensor a `__dlpack__` producer exported (its capsule consumed).
    Dlpack(ImportedDlpack),
}

#[cfg(feature = "dlpack")]
impl<'py> PythonSource<'py> {
    /// A NumPy array as it is; a `__dlpack__` producer's export or a DLPack capsule (consumed:
    /// a used one is refused); a buffer as NumPy views it.
    ///
    /// A producer is asked for its export straight away (`__dlpack__(max_version=(1, 0))`, or
    /// with no arguments where it takes none, as the array API tells consumers), without
    /// `__dlpack_device__` first: PyTorch's takes as long as its `__dlpack__`, and a host
    /// consumer needs no stream. The export names its device, and one that is not the CPU is
    /// refused by `from_dlpack` (a `ValueError` naming it), its deleter run.
    fn of(object: &Bound<'py, PyAny>) -> PyResult<Self> {
        if object.cast::<PyUntypedArray>().is_ok() {
            return Ok(PythonSource::Numpy(object.clone()));
        }
        let py = object.py();
        let capsule = if object.cast::<PyCapsule>().is_ok() {
            Some(object.clone())
        } else {
            match object.getattr(pyo3::intern!(py, "__dlpack__")) {
                Ok(export) => Some(dlpack_export(&export).map_err(|e| on_device(object, e))?),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => None,
                Err(e) => return Err(e),
            }
        };
        if let Some(capsule) = capsule {
            let request = dlpark::python::ImportRequest::new(capsule.as_borrowed())?;
            return Ok(PythonSource::Dlpack(request.import(None, None)?));
        }
        if let Ok(view) = pyo3::types::PyMemoryView::from(object) {
            // NumPy's view of the buffer (of a `bytes` too, which `asarray` would make a string).
            let array = numpy::get_array_module(py)?
                .getattr(pyo3::intern!(py, "asarray"))?
                .call1((view,))?;
            return Ok(PythonSource::Numpy(array));
        }
        let type_name = object
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        Err(PyTypeError::new_err(format!(
            "expected a numpy.ndarray, a DLPack producer (__dlpack__: PyTorch, JAX) or a \
             buffer, got {type_name}"
        )))
    }
}

/// What a producer's `__dlpack__` method gives: the versioned capsule (`max_version=(1, 0)`),
/// or the legacy one from a producer that takes no `max_version` (a `TypeError`; should that
/// call fail too, its error has the first as its cause).
#[cfg(feature = "dlpack")]
fn dlpack_export<'py>(export: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = export.py();
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item(pyo3::intern!(py, "max_version"), (1, 0))?;
    match export.call((), Some(&kwargs)) {
        Err(first) if first.is_instance_of::<PyTypeError>(py) => {
            export.call0().inspect_err(|e| e.set_cause(py, Some(first)))
        }
        exported => exported,
    }
}

/// The error of a producer that could not export: a `ValueError` naming its device where
/// `__dlpack_device__` says it is not the CPU (a TPU array, a `meta` tensor), with the
/// producer's own error as its cause; else that error as it is.
#[cfg(feature = "dlpack")]
fn on_device(object: &Bound<'_, PyAny>, error: PyErr) -> PyErr {
    let py = object.py();
    let device = dlpark::python::dlpack_device(object.as_borrowed()).ok();
    match device.filter(|d| *d != dlpark::ffi::DLDevice::CPU) {
        Some(device) => {
            let named = pyo3::exceptions::PyValueError::new_err(format!(
                "the object is on {}: burn-nd takes DLPack tensors in host memory only; copy                  it to the CPU first (x.cpu(), np.asarray(x))",
                burn_nd::dlpack::device_name(device)
            ));
            named.set_cause(py, Some(error));
            named
        }
        None => error,
    }
}

/// A NumPy array of a Burn dtype, in native byte order and aligned memory.
struct Input<'py> {
    array: Bound<'py, PyUntypedArray>,
    dtype: NdDType,
}

impl<'py> Input<'py> {
    fn new(object: &Bound<'py, PyAny>) -> PyResult<Self> {
        let array = object.cast::<PyUntypedArray>().map_err(|_| {
            let type_name = object
                .get_type()
                .name()
                .map_or_else(|_| "?".to_string(), |n| n.to_string());
            PyTypeError::new_err(format!("expected a numpy.ndarray, got {type_name}"))
        })?;
        let descr = array.dtype();
        let dtype = nd_dtype(&descr)?;
        // A Rust view needs native byte order and aligned elements: NumPy makes such a
        // copy (in the same layout) of anything else.
        let array = if descr.is_native_byteorder() == Some(false) || !array.is_aligned() {
            let native = descr.call_method1("newbyteorder", ("=",))?;
            array
                .call_method1("astype", (native,))?
                .cast_into::<PyUntypedArray>()?
        } else {
            array.clone()
        };
        Ok(Input { array, dtype })
    }

    fn into_tensor<T: FromNdarray>(
        self,
        device: &T::Device,
        dtype: T::DType,
        casting: Casting,
    ) -> PyResult<T>
    where
        T::DType: PartialEq,
    {
        let same_dtype = self.dtype != NdDType::Bool && dtype == T::DType::from(self.dtype);
        if same_dtype && self.array.is_c_contiguous() && !self.array.is_empty() {
            let shape = self.array.shape().to_vec();
            let bytes = numpy_bytes(&self.array, self.dtype)?;
            return T::from_shared_bytes(bytes, &shape, self.dtype, device).map_err(to_py_err);
        }
        let array = &self.array;
        match self.dtype {
            NdDType::F64 => convert::<f64, T>(array, device, dtype, casting),
            NdDType::F32 => convert::<f32, T>(array, device, dtype, casting),
            NdDType::F16 => convert::<burn_nd::half::f16, T>(array, device, dtype, casting),
            NdDType::I64 => convert::<i64, T>(array, device, dtype, casting),
            NdDType::I32 => convert::<i32, T>(array, device, dtype, casting),
            NdDType::I16 => convert::<i16, T>(array, device, dtype, casting),
            NdDType::I8 => convert::<i8, T>(array, device, dtype, casting),
            NdDType::U64 => convert::<u64, T>(array, device, dtype, casting),
            NdDType::U32 => convert::<u32, T>(array, device, dtype, casting),
            NdDType::U16 => convert::<u16, T>(array, device, dtype, casting),
            NdDType::U8 => convert::<u8, T>(array, device, dtype, casting),
            // NumPy's bool is one byte that should be 0 or 1, but a view can make it anything,
            // and the array's memory may be written meanwhile (by a thread that released the
            // GIL, or on a free-threaded Python): the bytes are copied and normalised first,
            // and only that copy, which no one else reaches, is read as `bool`s.
            NdDType::Bool => with_logical_bits::<u8, T>(array, "u1", |bytes, shape| {
                let mut own = match bytes {
                    Cow::Owned(gathered) => gathered,
                    Cow::Borrowed(slice) => burn_nd::backend::try_to_vec(slice)?,
                };
                // NumPy reads any non-zero byte as True; a `bool` must be 0 or 1.
                own.iter_mut().for_each(|b| *b = u8::from(*b != 0));
                let bools: &[bool] = bytemuck::checked::try_cast_slice(&own)
                    .map_err(|e| burn_nd::Error::backend(std::io::Error::other(e.to_string())))?;
                let view = ArrayViewD::from_shape(shape, bools).map_err(burn_nd::Error::backend)?;
                T::from_ndarray_as(&view, device, dtype, casting)
            }),
            // rust-numpy's bf16 dtype needs ml_dtypes at first use: read the bits instead.
            NdDType::BF16 => with_logical_bits::<u16, T>(array, "u2", |bits, shape| {
                let values: &[bf16] = bytemuck::cast_slice(&bits);
                let view =
                    ArrayViewD::from_shape(shape, values).map_err(burn_nd::Error::backend)?;
                T::from_ndarray_as(&view, device, dtype, casting)
            }),
        }
    }
}

/// One copy through a view of the array (any strides), cast under `casting`.
fn convert<E, T>(
    array: &Bound<'_, PyUntypedArray>,
    device: &T::Device,
    dtype: T::DType,
    casting: Casting,
) -> PyResult<T>
where
    E: NdElement + numpy::Element,
    T: FromNdarray,
{
    let typed = array.cast::<PyArrayDyn<E>>()?;
    let view = typed.try_readonly()?;
    T::from_ndarray_as(&view.as_array(), device, dtype, casting).map_err(to_py_err)
}

/// `body` of the array's elements read as `Bits` (NumPy's `view` of the same memory as `bits`,
/// a dtype of the same size), in logical order, and its shape: the array's own memory when it
/// is C-contiguous, else one gathered copy (allocated fallibly: a broadcast array has few
/// values and may have 2^40 elements).
fn with_logical_bits<Bits, T>(
    array: &Bound<'_, PyUntypedArray>,
    bits: &str,
    body: impl FnOnce(Cow<'_, [Bits]>, &[usize]) -> Result<T, burn_nd::Error>,
) -> PyResult<T>
where
    Bits: numpy::Element + Copy,
{
    let view = array.call_method1("view", (bits,))?;
    let typed = view.cast::<PyArrayDyn<Bits>>()?;
    let readonly = typed.try_readonly()?;
    let source = readonly.as_array();
    let values = burn_nd::backend::logical_values(&source).map_err(to_py_err)?;
    body(values, source.shape()).map_err(to_py_err)
}

/// The array's memory as `bytes::Bytes` that hold a shared borrow of the array
/// ([`shared_borrow`]), so the memory lives as long as any tensor built on it and rust-numpy
/// hands out no `&mut` to it meanwhile.
fn numpy_bytes(
    array: &Bound<'_, PyUntypedArray>,
    dtype: NdDType,
) -> PyResult<burn_nd::bytes::Bytes> {
    let (guard, view) = shared_borrow(array)?;
    // SAFETY: `view` is a live NumPy array object; its fields hold its data pointer.
    let data = unsafe { (*numpy::npyffi::_PyArray_GET_ITEM_DATA(view.as_array_ptr())).data };
    Ok(burn_nd::bytes::Bytes::from_owner(NumpyBuffer {
        ptr: data.cast::<u8>().cast_const(),
        len: view.len() * dtype.size(),
        _guard: guard,
    }))
}

/// A NumPy array's C-contiguous memory and the borrow that keeps it alive and unwritable from
/// Rust.
struct NumpyBuffer {
    ptr: *const u8,
    len: usize,
    /// Holds the array and its shared borrow; dropped with the buffer (after the last tensor
    /// that uses it). Without the GIL, PyO3 defers the drop until a thread holds it.
    _guard: Py<PyCapsule>,
}

// SAFETY: the pointer is into memory owned by the array the guard's view references, which NumPy
// frees only once that reference is gone, whatever thread drops it (`Py` is `Send`). The
// memory is only ever read through it.
unsafe impl Send for NumpyBuffer {}

impl AsRef<[u8]> for NumpyBuffer {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `ptr` is the data of a C-contiguous array of `len` bytes (checked non-empty
        // when built), alive while `_guard` holds a view of the array. No safe Rust code
        // writes it meanwhile: rust-numpy refuses `readwrite()` while the guard's shared
        // borrow is registered. What Rust cannot stop (the same hazards as
        // `torch.from_numpy`): Python code writing into the array (the tensor then sees
        // other values, as documented), `a.resize(..., refcheck=False)`, which frees memory
        // other references still use, and closing an `np.memmap` that the array views.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}
