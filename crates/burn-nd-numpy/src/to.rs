//! Tensor → `numpy.ndarray`: [`ToNumpy`].

use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::ArrayD;
use burn_nd::{Casting, DynArray, NdDType, NdElement, ToNdarray};
use numpy::{PyArray, PyArrayDyn, PyArrayMethods, PyUntypedArray};
use pyo3::prelude::*;

use crate::dtype::bf16_descr;
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
/// - [`into_numpy`](Self::into_numpy) consumes the tensor: where burn-nd's `into_ndarray`
///   hands the tensor's buffer over (a unique, contiguous burn-flex or burn-ndarray tensor),
///   NumPy receives that buffer itself, no copy.
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
    /// contiguous CPU tensor's buffer becomes the array's, with no copy.
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
        let array = py
            .detach(move || DynArray::from_owned_tensor(self))
            .map_err(to_py_err)?;
        dyn_array_into_numpy(py, array)
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

/// A [`DynArray`] as a `numpy.ndarray` of its dtype, with no copy: NumPy takes the array's
/// buffer. How a module's parameters become a `dict[str, numpy.ndarray]`.
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
    Ok(match array {
        DynArray::F64(a) => owned(py, a),
        DynArray::F32(a) => owned(py, a),
        DynArray::F16(a) => owned(py, a),
        DynArray::BF16(a) => return bf16_into_numpy(py, a),
        DynArray::I64(a) => owned(py, a),
        DynArray::I32(a) => owned(py, a),
        DynArray::I16(a) => owned(py, a),
        DynArray::I8(a) => owned(py, a),
        DynArray::U64(a) => owned(py, a),
        DynArray::U32(a) => owned(py, a),
        DynArray::U16(a) => owned(py, a),
        DynArray::U8(a) => owned(py, a),
        DynArray::Bool(a) => owned(py, a),
    })
}

/// NumPy takes the array's buffer (rust-numpy keeps the `Vec` alive), no copy.
fn owned<E: numpy::Element>(py: Python<'_>, array: ArrayD<E>) -> Bound<'_, PyUntypedArray> {
    PyArray::from_owned_array(py, array).as_untyped().clone()
}

/// bf16 values as a `uint16` array of their bits (the same buffer, reinterpreted), viewed as
/// `ml_dtypes.bfloat16`: rust-numpy's own bf16 dtype needs that package at first use and
/// panics without it.
fn bf16_into_numpy(py: Python<'_>, array: ArrayD<bf16>) -> PyResult<Bound<'_, PyUntypedArray>> {
    let descr = bf16_descr(py)?;
    let shape = array.shape().to_vec();
    let len = array.len();
    let bits: Vec<u16> = if array.is_standard_layout() {
        let (values, offset) = array.into_raw_vec_and_offset();
        let start = offset.unwrap_or(0);
        if start == 0 && values.len() == len {
            // Same size and alignment: the buffer itself, no copy.
            bytemuck::allocation::cast_vec(values)
        } else {
            values[start..start + len]
                .iter()
                .map(|v| v.to_bits())
                .collect()
        }
    } else {
        array.iter().map(|v| v.to_bits()).collect()
    };
    let bits = ArrayD::from_shape_vec(shape, bits)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("bfloat16 array: {e}")))?;
    Ok(owned(py, bits)
        .call_method1("view", (descr,))?
        .cast_into::<PyUntypedArray>()?)
}
