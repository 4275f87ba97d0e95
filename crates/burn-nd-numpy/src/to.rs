//! Tensor → `numpy.ndarray`: [`ToNumpy`].

use burn_nd::half::{bf16, f16};
use burn_nd::{Casting, DynArray, HostBuffer, NdDType, NdElement, ToNdarray};
use numpy::{PyArray, PyArrayDyn, PyUntypedArray};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::dtype::{bf16_descr, numpy_descr};
use crate::to_py_err;

/// Element types of a typed NumPy array burn-nd reads into: every [`NdElement`]. `bf16` is
/// `ml_dtypes.bfloat16` (a `TypeError` without that package).
///
/// ```
/// fn numpy_name<E: burn_nd_numpy::NumpyElement>() -> &'static str {
///     E::DTYPE.name()
/// }
/// assert_eq!(numpy_name::<u16>(), "uint16");
/// ```
pub trait NumpyElement: NdElement + numpy::Element {}

macro_rules! numpy_elements {
    ($($t:ty),*) => { $(impl NumpyElement for $t {})* };
}
numpy_elements!(f64, f32, f16, bf16, i64, i32, i16, i8, u64, u32, u16, u8, bool);

/// Any tensor burn-nd reads (Float, Int or Bool, any backend, `Autodiff` included, either
/// Burn line) as a `numpy.ndarray`: the Rust side of PyTorch's `t.detach().cpu().numpy()`.
///
/// - [`to_numpy`](Self::to_numpy) keeps the tensor's dtype and shape: f16 is `float16`, bf16
///   `ml_dtypes.bfloat16` (a `TypeError` naming `ml_dtypes` and [`to_pyarray`](Self::to_pyarray)
///   when that package is not importable), Bool `bool_`. The read is burn-nd's one read
///   (one copy at most); NumPy then owns the result without another copy.
/// - [`into_numpy`](Self::into_numpy) consumes the tensor: where Burn hands a unique,
///   contiguous burn-flex or burn-ndarray tensor's buffer over, NumPy receives that buffer
///   itself, no copy (burn-nd's [`ToNdarray::into_host_buffer`], owned by the array's base
///   object), whatever its alignment: on Burn 0.22 the result of an in-place op on a tensor
///   that shared NumPy memory included (that buffer keeps the source array referenced while
///   it lives; Burn 0.21 copies it once instead). A tensor still on NumPy memory is copied
///   once, so the result holds no borrow of the source. A libtorch CPU tensor is copied once
///   (libtorch owns its memory); any other device's tensor is its read-back, copied once
///   into a buffer of its own (a staging or pinned read-back buffer is not handed over).
/// - [`to_pyarray`](Self::to_pyarray) gives a typed `PyArrayDyn<E>` under any [`Casting`].
/// - The read from the device runs with the GIL released, so other Python threads run
///   meanwhile. Errors are Python exceptions ([`to_py_err`](crate::to_py_err)).
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_nd::Casting;
/// use burn_nd_numpy::ToNumpy;
/// use numpy::{PyArrayMethods, PyUntypedArrayMethods};
/// use pyo3::Python;
///
/// Python::attach(|py| -> pyo3::PyResult<()> {
///     let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.5]], &Device::flex());
///     let a = t.to_numpy(py)?;
///     assert_eq!((a.shape(), a.dtype().to_string().as_str()), (&[2usize, 2][..], "float32"));
///     let wide = t.to_pyarray::<f64>(py, Casting::Safe)?;
///     assert_eq!(wide.readonly().as_array()[[1, 1]], 4.5);
///     assert!(t.to_pyarray::<i32>(py, Casting::Safe).is_err()); // a TypeError
///     Ok(())
/// })?;
/// # Ok::<_, pyo3::PyErr>(())
/// ```
pub trait ToNumpy<const D: usize>: ToNdarray<D> + Send {
    /// A new `numpy.ndarray` of the tensor's dtype and shape; the tensor stays usable.
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd_numpy::ToNumpy;
    /// use numpy::PyUntypedArrayMethods;
    /// use pyo3::Python;
    ///
    /// Python::attach(|py| -> pyo3::PyResult<()> {
    ///     let t = Tensor::<1, Int>::from_ints([1, -2], &Device::flex());
    ///     assert_eq!(t.to_numpy(py)?.dtype().to_string(), "int32"); // burn-flex's default Int dtype
    ///     Ok(())
    /// })?;
    /// # Ok::<_, pyo3::PyErr>(())
    /// ```
    fn to_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
        // A clone is one reference count; the read of a shared tensor copies once.
        self.clone().into_numpy(py)
    }

    /// The tensor as a `numpy.ndarray` of its dtype and shape, consuming it: a unique,
    /// contiguous burn-flex or burn-ndarray tensor's buffer becomes the array's, with no copy.
    ///
    /// ```
    /// use burn::tensor::{Bool, Device, Tensor};
    /// use burn_nd_numpy::ToNumpy;
    /// use numpy::PyUntypedArrayMethods;
    /// use pyo3::Python;
    ///
    /// Python::attach(|py| -> pyo3::PyResult<()> {
    ///     let t = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
    ///     assert_eq!(t.into_numpy(py)?.dtype().to_string(), "bool");
    ///     Ok(())
    /// })?;
    /// # Ok::<_, pyo3::PyErr>(())
    /// ```
    fn into_numpy<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyUntypedArray>> {
        // No device read for a bf16 tensor NumPy cannot hold.
        if self.nd_dtype().map_err(to_py_err)? == NdDType::BF16 {
            bf16_descr(py)?;
        }
        let buffer = py
            .detach(move || self.into_host_buffer())
            .map_err(to_py_err)?;
        host_buffer_into_numpy(py, buffer)
    }

    /// The tensor as a typed `PyArrayDyn<E>`, its values cast under `casting` (checked before
    /// anything is read; a forbidden cast is a `TypeError`, an inexact value under
    /// [`Casting::Exact`] a `ValueError`).
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::Casting;
    /// use burn_nd_numpy::ToNumpy;
    /// use numpy::PyArrayMethods;
    /// use pyo3::Python;
    ///
    /// Python::attach(|py| -> pyo3::PyResult<()> {
    ///     let t = Tensor::<1>::from_floats([1.0, 2.5], &Device::flex());
    ///     let ints = t.to_pyarray::<i64>(py, Casting::Unsafe)?;
    ///     assert_eq!(ints.to_vec()?, vec![1, 2]);
    ///     assert!(t.to_pyarray::<i64>(py, Casting::Exact).is_err()); // 2.5: a ValueError
    ///     Ok(())
    /// })?;
    /// # Ok::<_, pyo3::PyErr>(())
    /// ```
    fn to_pyarray<'py, E: NumpyElement>(
        &self,
        py: Python<'py>,
        casting: Casting,
    ) -> PyResult<Bound<'py, PyArrayDyn<E>>> {
        if E::DTYPE == NdDType::BF16 {
            bf16_descr(py)?;
        }
        let tensor = self.clone();
        let array = py
            .detach(move || tensor.into_ndarray_dyn_with::<E>(casting))
            .map_err(to_py_err)?;
        Ok(PyArray::from_owned_array(py, array))
    }
}

impl<const D: usize, T: ToNdarray<D> + Send> ToNumpy<D> for T {}

/// A [`DynArray`] as a `numpy.ndarray` of its dtype: NumPy takes the array's buffer, no copy,
/// when the array is in standard layout and fills it (as every read makes it), else one copy
/// ([`DynArray::into_host_buffer`]); bf16 needs `ml_dtypes` (a `TypeError` without it). How a
/// module's parameters become a `dict[str, numpy.ndarray]`.
///
/// ```
/// use burn_nd::DynArray;
/// use burn_nd::ndarray::arr1;
/// use burn_nd_numpy::dyn_array_into_numpy;
/// use numpy::PyUntypedArrayMethods;
/// use pyo3::Python;
///
/// Python::attach(|py| -> pyo3::PyResult<()> {
///     let a = dyn_array_into_numpy(py, DynArray::from(arr1(&[1u16, 2]).into_dyn()))?;
///     assert_eq!(a.dtype().to_string(), "uint16");
///     Ok(())
/// })?;
/// # Ok::<_, pyo3::PyErr>(())
/// ```
pub fn dyn_array_into_numpy(
    py: Python<'_>,
    array: DynArray,
) -> PyResult<Bound<'_, PyUntypedArray>> {
    host_buffer_into_numpy(py, array.into_host_buffer().map_err(to_py_err)?)
}

/// A `numpy.ndarray` over `buffer`'s memory, no copy: a capsule owning the buffer is the
/// array's base, so the memory lives as long as NumPy uses it, and is freed by the allocator
/// that made it (a Burn buffer of 16-byte alignment could not become a `Vec<f32>`). The array
/// is writeable: the buffer's memory is its own (see [`HostBuffer`]).
pub(crate) fn host_buffer_into_numpy(
    py: Python<'_>,
    mut buffer: HostBuffer,
) -> PyResult<Bound<'_, PyUntypedArray>> {
    let dtype = buffer.dtype();
    let shape = buffer.shape().to_vec();
    let strides = row_major_strides(&shape);
    let data = buffer.as_bytes_mut().as_mut_ptr();
    let owner = PyCapsule::new_with_value(py, buffer, c"burn_nd_numpy.HostBuffer")?.into_any();
    // SAFETY: `data` is the buffer's memory: `dtype` elements of `shape` in row-major order,
    // aligned (the buffer checks alignment when it takes over a backend's bytes; a `Vec<E>`
    // is aligned), at an address fixed for the buffer's life, reached by nothing else, and
    // owned by `owner`.
    unsafe { numpy_over(owner, data, &shape, &strides, dtype, Access::Writeable) }
}

/// The element strides of a row-major array of `shape`.
pub(crate) fn row_major_strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for axis in (1..shape.len()).rev() {
        strides[axis - 1] = strides[axis] * shape[axis];
    }
    strides
}

/// Whether Python may write an array made by [`numpy_over`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Memory the array alone reaches.
    Writeable,
    /// Memory others read: NumPy refuses writes (`flags.writeable` is `False`).
    ReadOnly,
}

/// A `numpy.ndarray` of `dtype` over the memory at `data`, laid out as `shape` with element
/// `strides`, whose base object is `owner` (bf16 as `ml_dtypes.bfloat16`).
///
/// # Safety
///
/// `data` is `dtype` elements aligned for it, every one the layout reaches valid and alive as
/// long as `owner` is; with [`Access::Writeable`], nothing else reads or writes that memory.
pub(crate) unsafe fn numpy_over<'py>(
    owner: Bound<'py, PyAny>,
    data: *mut u8,
    shape: &[usize],
    strides: &[usize],
    dtype: NdDType,
    access: Access,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    use numpy::npyffi::{get_type_object, npy_intp, NpyTypes, PY_ARRAY_API};
    use numpy::PyArrayDescrMethods;
    let py = owner.py();
    let flags = match access {
        Access::Writeable => numpy::npyffi::NPY_ARRAY_WRITEABLE,
        Access::ReadOnly => 0,
    };
    // NumPy's `bool_` takes any byte; bf16 is `ml_dtypes.bfloat16`.
    let descr = numpy_descr(py, dtype)?;
    let mut dims: Vec<npy_intp> = shape.iter().map(|&n| n as npy_intp).collect();
    let mut byte_strides: Vec<npy_intp> = (strides.iter())
        .map(|&s| (s * dtype.size()) as npy_intp)
        .collect();
    // SAFETY: NumPy's own constructor of an array over given memory (what rust-numpy's
    // `borrow_from_array` calls), with a dtype reference it takes over; the caller vouches
    // for the memory (`dtype` elements, aligned, alive while `owner` is, written by no one
    // else when writeable), which `owner`, set as the base below, keeps alive.
    unsafe {
        let array = PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            get_type_object(py, NpyTypes::PyArray_Type),
            descr.into_dtype_ptr(),
            dims.len() as std::ffi::c_int,
            dims.as_mut_ptr(),
            byte_strides.as_mut_ptr(),
            data.cast(),
            flags,
            std::ptr::null_mut(),
        );
        let array = Bound::from_owned_ptr_or_err(py, array)?;
        // Steals the reference to `owner`, also on failure.
        if PY_ARRAY_API.PyArray_SetBaseObject(py, array.as_ptr().cast(), owner.into_ptr()) != 0 {
            return Err(PyErr::fetch(py));
        }
        Ok(array.cast_into::<PyUntypedArray>()?)
    }
}
