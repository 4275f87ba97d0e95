//! burn-nd's [`Error`] as a Python exception.

use burn_nd::Error;
use pyo3::exceptions::{PyMemoryError, PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::PyErr;

/// The Python exception for a burn-nd error, with the same message: `TypeError` for dtype and
/// casting problems, `ValueError` for shape, rank, value and device problems, `OSError` for
/// file errors, `RuntimeError` for a backend that failed to read and `MemoryError` for a
/// result too big to allocate (as NumPy raises it).
///
/// ```
/// use burn_nd::{Casting, Error, NdDType};
/// use burn_nd_numpy::to_py_err;
/// use pyo3::exceptions::{PyTypeError, PyValueError};
/// use pyo3::Python;
///
/// Python::attach(|py| {
///     let casting = Error::Casting { from: NdDType::F32, to: NdDType::I32, casting: Casting::Safe };
///     let err = to_py_err(casting);
///     assert!(err.is_instance_of::<PyTypeError>(py));
///     assert_eq!(err.value(py).to_string(), "cannot cast float32 to int32 under Casting::Safe");
///     assert!(to_py_err(Error::RankZero).is_instance_of::<PyValueError>(py));
/// });
/// ```
pub fn to_py_err(err: Error) -> PyErr {
    let message = err.to_string();
    match exception_kind(&err) {
        Kind::Type => PyTypeError::new_err(message),
        Kind::Value => PyValueError::new_err(message),
        Kind::Os => PyOSError::new_err(message),
        Kind::Runtime => PyRuntimeError::new_err(message),
        Kind::Memory => PyMemoryError::new_err(message),
    }
}

enum Kind {
    Type,
    Value,
    Os,
    Runtime,
    Memory,
}

fn exception_kind(err: &Error) -> Kind {
    match err {
        Error::Casting { .. }
        | Error::Unsupported { .. }
        | Error::DtypeMismatch { .. }
        | Error::NotInNumpy { .. }
        | Error::Quantized { .. }
        | Error::QuantizedTarget { .. } => Kind::Type,
        // A parameter's error is its source's, with the name in front.
        Error::Param { source, .. } => exception_kind(source),
        Error::Io { .. } => Kind::Os,
        Error::Backend { .. } => Kind::Runtime,
        Error::Allocation { .. } => Kind::Memory,
        // Inexact values, ranks, shapes, byte lengths, module keys, devices, `.npy` contents.
        _ => Kind::Value,
    }
}
