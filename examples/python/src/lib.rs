//! `burn_nd_demo`: a Python extension module (built with maturin) that runs the regression
//! example's MLP on NumPy arrays through burn-nd-numpy, and exposes Burn tensors to Python so
//! the conversions can be tested from pytest.
//!
//! - `Regressor.fit(x, y, epochs, seed)`: trains the MLP on an Autodiff device with the
//!   examples' trainer (`burn_nd_examples::training`), `x` and `y` taken by burn-nd-numpy
//!   (no copy where their layout allows); `predict(x)` (`x` copied into an ndarray first) and
//!   `state_dict()` (every parameter, named as in the `.npz` files) answer with
//!   `numpy.ndarray`s.
//! - `Tensor.from_numpy(a, backend, autodiff, kind, dtype, casting)` holds a Burn tensor;
//!   `numpy()`, `into_numpy()`, `to_pyarray(dtype, casting)` read it back.
//!
//! Built for one Burn line at a time: feature `burn-0-22` (default) or `burn-0-21`.

use std::sync::Mutex;

use burn_nd::{Casting, NdDType};
use burn_nd_numpy::{FromNumpy, NumpyElement, ToNumpy};
use numpy::{PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

#[cfg(all(feature = "burn-0-21", feature = "burn-0-22"))]
compile_error!("burn-nd-demo is built for one Burn line: feature `burn-0-22` or `burn-0-21`");

mod regressor;

#[cfg(feature = "burn-0-21")]
mod line_0_21;
#[cfg(feature = "burn-0-21")]
use line_0_21 as line;
#[cfg(all(feature = "burn-0-22", not(feature = "burn-0-21")))]
mod line_0_22;
#[cfg(all(feature = "burn-0-22", not(feature = "burn-0-21")))]
use line_0_22 as line;

/// Runs `$body` with `$E` the element type of `$dtype` (an `NdDType`).
macro_rules! by_dtype {
    ($dtype:expr, $E:ident => $body:expr) => {
        match $dtype {
            NdDType::F64 => {
                type $E = f64;
                $body
            }
            NdDType::F32 => {
                type $E = f32;
                $body
            }
            NdDType::F16 => {
                type $E = burn_nd::half::f16;
                $body
            }
            NdDType::BF16 => {
                type $E = burn_nd::half::bf16;
                $body
            }
            NdDType::I64 => {
                type $E = i64;
                $body
            }
            NdDType::I32 => {
                type $E = i32;
                $body
            }
            NdDType::I16 => {
                type $E = i16;
                $body
            }
            NdDType::I8 => {
                type $E = i8;
                $body
            }
            NdDType::U64 => {
                type $E = u64;
                $body
            }
            NdDType::U32 => {
                type $E = u32;
                $body
            }
            NdDType::U16 => {
                type $E = u16;
                $body
            }
            NdDType::U8 => {
                type $E = u8;
                $body
            }
            NdDType::Bool => {
                type $E = bool;
                $body
            }
        }
    };
}
// The 0.22 line's storage view names it by path.
#[cfg(not(feature = "burn-0-21"))]
pub(crate) use by_dtype;

/// Runs `$body` with `const $D: usize` the rank `$rank` (1 to 8), else a `ValueError`.
macro_rules! by_rank {
    ($rank:expr, $D:ident => $body:expr) => {
        match $rank {
            1 => {
                const $D: usize = 1;
                $body
            }
            2 => {
                const $D: usize = 2;
                $body
            }
            3 => {
                const $D: usize = 3;
                $body
            }
            4 => {
                const $D: usize = 4;
                $body
            }
            5 => {
                const $D: usize = 5;
                $body
            }
            6 => {
                const $D: usize = 6;
                $body
            }
            7 => {
                const $D: usize = 7;
                $body
            }
            8 => {
                const $D: usize = 8;
                $body
            }
            // Burn has no rank-0 tensors: burn-nd's own error says so.
            0 => Err(burn_nd_numpy::to_py_err(burn_nd::Error::RankZero)),
            r => Err(PyValueError::new_err(format!(
                "this module holds tensors of rank 1 to 8, not {r}"
            ))),
        }
    };
}

/// What `Tensor.from_numpy` or `Tensor.from_python` was asked for.
pub(crate) struct Request<'a> {
    /// Anything burn-nd-numpy's `from_python` takes (a DLPack producer, a buffer), not only a
    /// NumPy array.
    pub(crate) any_object: bool,
    pub(crate) backend: &'a str,
    pub(crate) autodiff: bool,
    pub(crate) kind: &'a str,
    pub(crate) dtype: Option<NdDType>,
    pub(crate) casting: Casting,
}

impl<'a> Request<'a> {
    /// The request for `object`: rank and dtype read off it (NumPy's, PyTorch's or JAX's
    /// `ndim` and `dtype`; a buffer's as NumPy reads it), the kind the dtype's unless named.
    fn new(
        object: &Bound<'_, PyAny>,
        any_object: bool,
        backend: &'a str,
        autodiff: bool,
        kind: Option<&'a str>,
        dtype: Option<&str>,
        casting: &str,
    ) -> PyResult<(Self, usize)> {
        // For anything with no rank, rank 1 lets burn-nd-numpy say what is wrong.
        let ndim = object
            .getattr("ndim")
            .and_then(|n| n.extract::<usize>())
            .unwrap_or(1);
        let source = source_dtype(object).unwrap_or(NdDType::F32);
        let dtype = dtype.map(parse_dtype).transpose()?;
        let kind = kind.unwrap_or_else(|| default_kind(dtype.unwrap_or(source)));
        let request = Request {
            any_object,
            backend,
            autodiff,
            kind,
            dtype,
            casting: parse_casting(casting)?,
        };
        Ok((request, ndim))
    }
}

/// The dtype of a NumPy, PyTorch or JAX array (`torch.float32` read as `float32`), or of a
/// buffer as NumPy reads it.
fn source_dtype(object: &Bound<'_, PyAny>) -> Option<NdDType> {
    if let Ok(array) = object.cast::<PyUntypedArray>() {
        // NumPy's `dtype.name` runs Python code: half the cost of a zero-copy `from_numpy`.
        return burn_nd_numpy::nd_dtype(&array.dtype()).ok();
    }
    let dtype = match object.getattr("dtype") {
        Ok(dtype) => dtype,
        Err(_) => object
            .py()
            .import("numpy")
            .ok()?
            .call_method1("asarray", (pyo3::types::PyMemoryView::from(object).ok()?,))
            .ok()?
            .getattr("dtype")
            .ok()?,
    };
    // A NumPy dtype (JAX's, a PyTensor's) read as the descriptor; PyTorch's by its name.
    if let Ok(descr) = dtype.cast::<numpy::PyArrayDescr>() {
        return burn_nd_numpy::nd_dtype(descr).ok();
    }
    let name = dtype.str().ok()?.to_string();
    parse_dtype(name.trim_start_matches("torch.")).ok()
}

/// A tensor of the rank, kind and dtype `request` names from `object`.
fn build(object: &Bound<'_, PyAny>, request: &(Request<'_>, usize)) -> PyResult<Box<dyn Held>> {
    let (request, ndim) = request;
    by_rank!(*ndim, D => line::build::<D>(object, request))
}

/// A tensor of type `T` (a line's `Tensor` of one rank and kind) from `array` on `device`, of
/// the array's dtype or `request.dtype` under `request.casting`.
pub(crate) fn build_kind<T>(
    array: &Bound<'_, PyAny>,
    device: &T::Device,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>>
where
    T: FromNumpy + Held + 'static,
    T::DType: From<NdDType>,
{
    let tensor = match (request.dtype, request.any_object) {
        (None, false) => T::from_numpy(array, device)?,
        (None, true) => T::from_python(array, device)?,
        (Some(dtype), any_object) => {
            let dtype = match dtype {
                NdDType::Bool => T::bool_dtype(device),
                dtype => dtype.into(),
            };
            if any_object {
                T::from_python_as(array, device, dtype, request.casting)?
            } else {
                T::from_numpy_as(array, device, dtype, request.casting)?
            }
        }
    };
    Ok(Box::new(tensor))
}

/// What the `Tensor` class does with the Burn tensor it holds, whatever its rank, kind, line
/// and backend.
pub(crate) trait Held: Send {
    fn to_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>>;
    fn into_numpy<'py>(self: Box<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>>;
    fn to_pyarray<'py>(
        &self,
        py: Python<'py>,
        dtype: NdDType,
        casting: Casting,
    ) -> PyResult<Bound<'py, PyUntypedArray>>;
    fn shape(&self) -> Vec<usize>;
    fn dtype(&self) -> PyResult<NdDType>;
    /// One element-wise Burn operation that consumes the tensor (`x + 1`, `not x` for Bool),
    /// in place where the backend may reuse a unique buffer.
    fn bump(self: Box<Self>) -> Box<dyn Held>;
    fn duplicate(&self) -> Box<dyn Held>;
    /// Burn's `flip` of the first axis: on burn-flex a view with a negative stride.
    fn flip(self: Box<Self>) -> Box<dyn Held>;
    /// The address of the tensor's host storage, where the backend crate can show it.
    fn storage_ptr(&self) -> PyResult<Option<usize>>;
    /// The tensor as burn-nd-numpy's `PyTensor` (a second handle: a reference count).
    fn py_tensor(&self) -> burn_nd_numpy::PyTensor;
}

/// The typed read of [`Held::to_pyarray`] for any tensor.
pub(crate) fn typed_read<'py, const D: usize, T: ToNumpy<D>>(
    tensor: &T,
    py: Python<'py>,
    dtype: NdDType,
    casting: Casting,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    fn read<'py, E: NumpyElement, const D: usize, T: ToNumpy<D>>(
        tensor: &T,
        py: Python<'py>,
        casting: Casting,
    ) -> PyResult<Bound<'py, PyUntypedArray>> {
        Ok(tensor.to_pyarray::<E>(py, casting)?.as_untyped().clone())
    }
    by_dtype!(dtype, E => read::<E, D, T>(tensor, py, casting))
}

/// [`Held`] for a rank-generic tensor type `$tensor` (naming `D`), with `$bump` its
/// element-wise operation on `$t` and `$ptr` its storage address from `$s`.
macro_rules! held {
    ($tensor:ty, |$t:ident| $bump:expr, |$s:ident| $ptr:expr) => {
        impl<const D: usize> $crate::Held for $tensor {
            fn to_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
                burn_nd_numpy::ToNumpy::to_numpy(self, py)
            }
            fn into_numpy<'py>(
                self: Box<Self>,
                py: Python<'py>,
            ) -> PyResult<Bound<'py, PyUntypedArray>> {
                burn_nd_numpy::ToNumpy::into_numpy(*self, py)
            }
            fn to_pyarray<'py>(
                &self,
                py: Python<'py>,
                dtype: NdDType,
                casting: Casting,
            ) -> PyResult<Bound<'py, PyUntypedArray>> {
                $crate::typed_read(self, py, dtype, casting)
            }
            fn shape(&self) -> Vec<usize> {
                burn_nd::ToNdarray::nd_shape(self)
            }
            fn dtype(&self) -> PyResult<NdDType> {
                burn_nd::ToNdarray::nd_dtype(self).map_err(burn_nd_numpy::to_py_err)
            }
            fn bump(self: Box<Self>) -> Box<dyn $crate::Held> {
                let $t = *self;
                Box::new($bump)
            }
            fn duplicate(&self) -> Box<dyn $crate::Held> {
                Box::new(self.clone())
            }
            fn flip(self: Box<Self>) -> Box<dyn $crate::Held> {
                Box::new((*self).flip([0]))
            }
            fn storage_ptr(&self) -> PyResult<Option<usize>> {
                let $s = self;
                $ptr
            }
            fn py_tensor(&self) -> burn_nd_numpy::PyTensor {
                burn_nd_numpy::PyTensor::new(self.clone())
            }
        }
    };
}
pub(crate) use held;

/// Where a burn-ndarray tensor's buffer starts (either line), through burn-nd-ndarray's
/// shared array: its own dtypes only (f16/bf16 are not burn-ndarray's), and of a buffer it
/// owns (a borrowed one is copied, so the address is the copy's).
pub(crate) fn ndarray_ptr<const D: usize, T>(tensor: &T) -> PyResult<Option<usize>>
where
    T: burn_nd_ndarray::ShareNdarray + burn_nd::ToNdarray<D>,
{
    macro_rules! shared {
        ($($v:ident: $t:ty),*) => {
            match tensor.nd_dtype().map_err(burn_nd_numpy::to_py_err)? {
                $(NdDType::$v => tensor.to_arcarray::<$t>().ok().map(|a| a.as_ptr() as usize),)*
                _ => None,
            }
        };
    }
    Ok(shared!(
        F64: f64, F32: f32, I64: i64, I32: i32, I16: i16, I8: i8,
        U64: u64, U32: u32, U16: u16, U8: u8, Bool: bool
    ))
}

/// NumPy's dtype name (`"float32"`, `"bfloat16"`) as burn-nd's dtype.
fn parse_dtype(name: &str) -> PyResult<NdDType> {
    NdDType::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .ok_or_else(|| PyTypeError::new_err(format!("unknown dtype {name:?}")))
}

/// NumPy's `casting=` names, plus `"exact"` (burn-nd's value-checked mode).
fn parse_casting(name: &str) -> PyResult<Casting> {
    Ok(match name {
        "no" => Casting::No,
        "safe" => Casting::Safe,
        "same_kind" => Casting::SameKind,
        "unsafe" => Casting::Unsafe,
        "exact" => Casting::Exact,
        other => return Err(PyValueError::new_err(format!("unknown casting {other:?}"))),
    })
}

/// The tensor kind a NumPy dtype goes to when none is named.
fn default_kind(dtype: NdDType) -> &'static str {
    match dtype.kind() {
        burn_nd::DTypeKind::Float => "float",
        burn_nd::DTypeKind::Bool => "bool",
        _ => "int",
    }
}

/// A Burn tensor held by Rust.
#[pyclass(module = "burn_nd_demo")]
struct Tensor {
    // `None` once `into_numpy` consumed it.
    held: Mutex<Option<Box<dyn Held>>>,
}

impl Tensor {
    fn new(held: Box<dyn Held>) -> Self {
        Tensor {
            held: Mutex::new(Some(held)),
        }
    }

    /// Runs `f` on the tensor with the lock held: for calls that never release the GIL (a
    /// thread waiting for the lock holds the GIL, so `f` must not wait for it).
    fn with<R>(&self, f: impl FnOnce(&dyn Held) -> PyResult<R>) -> PyResult<R> {
        let guard = self
            .held
            .lock()
            .map_err(|_| PyValueError::new_err("tensor lock poisoned"))?;
        f(guard.as_deref().ok_or_else(consumed)?)
    }

    /// A second handle on the tensor (a reference count), taken under the lock and used after
    /// it is released: reads release the GIL, and holding the lock across that would deadlock
    /// a second thread that holds the GIL while it waits for the lock.
    fn handle(&self) -> PyResult<Box<dyn Held>> {
        self.with(|t| Ok(t.duplicate()))
    }

    fn take(&self) -> PyResult<Box<dyn Held>> {
        let mut guard = self
            .held
            .lock()
            .map_err(|_| PyValueError::new_err("tensor lock poisoned"))?;
        guard.take().ok_or_else(consumed)
    }
}

fn consumed() -> PyErr {
    PyValueError::new_err("the tensor was consumed by into_numpy()")
}

#[pymethods]
impl Tensor {
    /// A tensor from a NumPy array on `backend` (see `BACKENDS`), of the array's dtype or
    /// `dtype` under `casting`; `kind` is "float", "int" or "bool" (default: the dtype's).
    #[staticmethod]
    #[pyo3(signature = (array, backend = "flex", autodiff = false, kind = None, dtype = None, casting = "no"))]
    fn from_numpy(
        array: &Bound<'_, PyAny>,
        backend: &str,
        autodiff: bool,
        kind: Option<&str>,
        dtype: Option<&str>,
        casting: &str,
    ) -> PyResult<Tensor> {
        let request = Request::new(array, false, backend, autodiff, kind, dtype, casting)?;
        build(array, &request).map(Tensor::new)
    }

    /// The same from anything burn-nd-numpy's `from_python` takes: a NumPy array, a PyTorch,
    /// JAX or CuPy array or any other `__dlpack__` producer (a `PyTensor` too), a buffer.
    #[staticmethod]
    #[pyo3(signature = (object, backend = "flex", autodiff = false, kind = None, dtype = None, casting = "no"))]
    fn from_python(
        object: &Bound<'_, PyAny>,
        backend: &str,
        autodiff: bool,
        kind: Option<&str>,
        dtype: Option<&str>,
        casting: &str,
    ) -> PyResult<Tensor> {
        let request = Request::new(object, true, backend, autodiff, kind, dtype, casting)?;
        build(object, &request).map(Tensor::new)
    }

    /// The tensor as a `PyTensor`, which `torch.from_dlpack`, `np.asarray`, `memoryview`
    /// and JAX take directly (a second handle on the same tensor).
    fn share(&self) -> PyResult<burn_nd_numpy::PyTensor> {
        self.with(|t| Ok(t.py_tensor()))
    }

    /// `t.detach().cpu().numpy()`: a new array of the tensor's dtype and shape.
    fn numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
        self.handle()?.to_numpy(py)
    }

    /// The same, consuming the tensor (no copy from a unique CPU tensor).
    // A Python method gets its object by reference; the Rust tensor inside is what it consumes.
    #[allow(clippy::wrong_self_convention)]
    fn into_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
        self.take()?.into_numpy(py)
    }

    /// A typed read under a casting rule.
    #[pyo3(signature = (dtype, casting = "safe"))]
    fn to_pyarray<'py>(
        &self,
        py: Python<'py>,
        dtype: &str,
        casting: &str,
    ) -> PyResult<Bound<'py, PyUntypedArray>> {
        let (dtype, casting) = (parse_dtype(dtype)?, parse_casting(casting)?);
        self.handle()?.to_pyarray(py, dtype, casting)
    }

    /// The shape.
    #[getter]
    fn shape(&self) -> PyResult<Vec<usize>> {
        self.with(|t| Ok(t.shape()))
    }

    /// NumPy's name of the tensor's dtype.
    #[getter]
    fn dtype(&self) -> PyResult<&'static str> {
        self.with(|t| t.dtype().map(NdDType::name))
    }

    /// `x + 1` (`not x` for Bool) as a new tensor, consuming this one: Burn writes in place
    /// when the buffer is unique.
    fn bump(&self) -> PyResult<Tensor> {
        Ok(Tensor::new(self.take()?.bump()))
    }

    /// Burn's `flip` of the first axis, consuming the tensor (a view with a negative stride
    /// on burn-flex).
    fn flip(&self) -> PyResult<Tensor> {
        Ok(Tensor::new(self.take()?.flip()))
    }

    /// A second handle on the same tensor (Burn's `clone`: a reference count).
    fn clone(&self) -> PyResult<Tensor> {
        Ok(Tensor::new(self.handle()?))
    }

    /// The address of the tensor's host storage, or None where it cannot be shown.
    fn storage_ptr(&self) -> PyResult<Option<usize>> {
        self.with(|t| t.storage_ptr())
    }
}

/// A Burn tensor from anything burn-nd-numpy's `from_python` takes, on `backend`, as a
/// `PyTensor` (see `Tensor.from_python`).
#[pyfunction]
#[pyo3(signature = (object, backend = "flex", autodiff = false, kind = None, dtype = None, casting = "no"))]
fn tensor(
    object: &Bound<'_, PyAny>,
    backend: &str,
    autodiff: bool,
    kind: Option<&str>,
    dtype: Option<&str>,
    casting: &str,
) -> PyResult<burn_nd_numpy::PyTensor> {
    let request = Request::new(object, true, backend, autodiff, kind, dtype, casting)?;
    Ok(build(object, &request)?.py_tensor())
}

#[pymodule]
fn burn_nd_demo(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("BURN_LINE", line::BURN_LINE)?;
    m.add("BACKENDS", line::BACKENDS.to_vec())?;
    m.add_class::<Tensor>()?;
    m.add_class::<burn_nd_numpy::PyTensor>()?;
    m.add_function(wrap_pyfunction!(tensor, m)?)?;
    m.add_class::<regressor::Regressor>()?;
    Ok(())
}
