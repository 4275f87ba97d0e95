//! NumPy dtypes and burn-nd's [`NdDType`].

use burn_nd::NdDType;
use numpy::{PyArrayDescr, PyArrayDescrMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// The burn-nd dtype of a NumPy dtype (any byte order; `ml_dtypes.bfloat16` is
/// [`NdDType::BF16`]), or a `TypeError` naming it: read off the descriptor's kind and size,
/// without the Python calls `dtype.name` makes.
///
/// ```
/// use burn_nd::NdDType;
/// use pyo3::prelude::*;
///
/// Python::attach(|py| -> PyResult<()> {
///     let descr = numpy::dtype::<u16>(py);
///     assert_eq!(burn_nd_numpy::nd_dtype(&descr)?, NdDType::U16);
///     let complex = numpy::dtype::<numpy::Complex64>(py);
///     assert!(burn_nd_numpy::nd_dtype(&complex).is_err());
///     Ok(())
/// })?;
/// # Ok::<_, PyErr>(())
/// ```
pub fn nd_dtype(descr: &Bound<'_, PyArrayDescr>) -> PyResult<NdDType> {
    let plain = !descr.has_fields() && !descr.has_subarray();
    let dtype = match (plain, descr.kind(), descr.itemsize()) {
        (true, b'f', 8) => Some(NdDType::F64),
        (true, b'f', 4) => Some(NdDType::F32),
        (true, b'f', 2) => Some(NdDType::F16),
        (true, b'i', 8) => Some(NdDType::I64),
        (true, b'i', 4) => Some(NdDType::I32),
        (true, b'i', 2) => Some(NdDType::I16),
        (true, b'i', 1) => Some(NdDType::I8),
        (true, b'u', 8) => Some(NdDType::U64),
        (true, b'u', 4) => Some(NdDType::U32),
        (true, b'u', 2) => Some(NdDType::U16),
        (true, b'u', 1) => Some(NdDType::U8),
        (true, b'b', 1) => Some(NdDType::Bool),
        // ml_dtypes' bfloat16, the only NumPy bfloat16 there is.
        (true, _, 2) if descr.typeobj().name()?.to_str()? == "bfloat16" => Some(NdDType::BF16),
        _ => None,
    };
    dtype.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "numpy dtype {descr} has no Burn dtype: Burn holds float64, float32, float16, \
             bfloat16 (ml_dtypes), int64 ... int8, uint64 ... uint8 and bool"
        ))
    })
}

/// `ml_dtypes.bfloat16`, NumPy's only bfloat16, or a `TypeError` that says how to do without.
pub(crate) fn bf16_descr(py: Python<'_>) -> PyResult<Bound<'_, PyArrayDescr>> {
    let ml_dtypes = py.import("ml_dtypes").map_err(|_| {
        PyTypeError::new_err(
            "bfloat16 has no NumPy dtype without the ml_dtypes package: `pip install \
             ml_dtypes`, or read the tensor as float32 with to_pyarray::<f32>(py, \
             Casting::Safe), which is exact",
        )
    })?;
    PyArrayDescr::new(py, ml_dtypes.getattr("bfloat16")?)
}

/// NumPy's descriptor of `dtype` (`ml_dtypes.bfloat16` for bf16), from rust-numpy's cached
/// descriptors rather than `numpy.dtype(name)`, an import and a call.
pub(crate) fn numpy_descr(py: Python<'_>, dtype: NdDType) -> PyResult<Bound<'_, PyArrayDescr>> {
    use burn_nd::half::f16;
    Ok(match dtype {
        NdDType::F64 => numpy::dtype::<f64>(py),
        NdDType::F32 => numpy::dtype::<f32>(py),
        NdDType::F16 => numpy::dtype::<f16>(py),
        NdDType::BF16 => return bf16_descr(py),
        NdDType::I64 => numpy::dtype::<i64>(py),
        NdDType::I32 => numpy::dtype::<i32>(py),
        NdDType::I16 => numpy::dtype::<i16>(py),
        NdDType::I8 => numpy::dtype::<i8>(py),
        NdDType::U64 => numpy::dtype::<u64>(py),
        NdDType::U32 => numpy::dtype::<u32>(py),
        NdDType::U16 => numpy::dtype::<u16>(py),
        NdDType::U8 => numpy::dtype::<u8>(py),
        NdDType::Bool => numpy::dtype::<bool>(py),
    })
}
