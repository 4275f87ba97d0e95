//! What safe Rust may do beside a tensor on NumPy memory, and inputs that must be errors, not
//! aborts. Runs an embedded interpreter (the venv's NumPy on `PYTHONPATH`).

use burn::tensor::{Bool, Device, Tensor};
use burn_nd_numpy::FromNumpy;
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;

/// While a zero-copy tensor (or a clone of it) reads an array's memory, rust-numpy hands out
/// no `&mut` to it; after the last one is dropped it does again.
#[test]
fn a_tensor_on_numpy_memory_keeps_safe_rust_from_writing_it() {
    Python::attach(|py| {
        let a = PyArray1::<f32>::from_vec(py, vec![1.0, 2.0, 3.0]);
        let t = Tensor::<1>::from_numpy(a.as_any(), &Device::flex()).unwrap();
        assert!(
            a.try_readwrite().is_err(),
            "readwrite() beside a tensor on the memory"
        );
        assert!(a.try_readonly().is_ok(), "shared reads stay allowed");
        let clone = t.clone();
        drop(t);
        assert!(a.try_readwrite().is_err(), "a clone still reads the memory");
        drop(clone);
        assert!(
            a.try_readwrite().is_ok(),
            "the borrow is released with the last tensor"
        );
    });
}

/// An array already borrowed mutably cannot be shared with a tensor.
#[test]
fn a_live_readwrite_refuses_a_zero_copy_tensor() {
    Python::attach(|py| {
        let a = PyArray1::<f32>::from_vec(py, vec![1.0, 2.0]);
        let writer = a.readwrite();
        let err = Tensor::<1>::from_numpy(a.as_any(), &Device::flex()).unwrap_err();
        assert!(err.is_instance_of::<PyValueError>(py), "{err}");
        assert!(err.to_string().contains("borrowed mutably"), "{err}");
        drop(writer);
        assert!(Tensor::<1>::from_numpy(a.as_any(), &Device::flex()).is_ok());
    });
}

/// A broadcast view costs its maker nothing and has 2^40 elements: a `MemoryError` naming
/// the bytes, as NumPy's own `np.array(a)` raises, for every path (cast, bool, same dtype).
#[test]
fn a_huge_broadcast_array_is_a_memory_error_not_an_abort() {
    Python::attach(|py| {
        let np = py.import("numpy").unwrap();
        for dtype in ["float32", "bool", "float64"] {
            let one = np.call_method1("ones", (1, dtype)).unwrap();
            let huge = np
                .call_method1("broadcast_to", (one, (1u64 << 20, 1u64 << 20)))
                .unwrap();
            let err = match dtype {
                "bool" => Tensor::<2, Bool>::from_numpy(&huge, &Device::flex()).unwrap_err(),
                _ => Tensor::<2>::from_numpy(&huge, &Device::flex()).unwrap_err(),
            };
            assert!(err.is_instance_of::<PyMemoryError>(py), "{dtype}: {err}");
            assert!(err.to_string().contains("bytes"), "{dtype}: {err}");
        }
    });
}

/// Python may reassign the dtype of the array it holds while a tensor shares its memory.
/// rust-numpy finds a borrow again from the array's fields when it releases it: the tensor's
/// borrow must not depend on fields Python can change (dropping the tensor aborted the
/// process, a panic inside rust-numpy's `extern "C"` release).
#[test]
fn python_reassigning_the_dtype_leaves_the_borrow_intact() {
    Python::attach(|py| {
        let a = PyArray1::<f32>::from_vec(py, vec![1.0, 2.0, 3.0, 4.0]);
        let t = Tensor::<1>::from_numpy(a.as_any(), &Device::flex()).unwrap();
        a.as_any().setattr("dtype", "int8").unwrap();
        let bytes = a.as_any().cast::<numpy::PyArray1<i8>>().unwrap();
        assert!(
            bytes.try_readwrite().is_err(),
            "the memory is still borrowed"
        );
        drop(t);
        assert!(bytes.try_readwrite().is_ok(), "released with the tensor");
    });
}

/// `into_numpy` of a tensor still on an array's memory gives NumPy a copy of its own, so the
/// result does not keep the source array borrowed (nor alive) once the tensor is gone.
#[test]
fn into_numpy_of_a_tensor_on_numpy_memory_releases_the_array() {
    use burn_nd_numpy::ToNumpy;
    Python::attach(|py| {
        let a = PyArray1::<f32>::from_vec(py, vec![1.0, 2.0, 3.0]);
        let t = Tensor::<1>::from_numpy(a.as_any(), &Device::flex()).unwrap();
        let out = t.into_numpy(py).unwrap();
        assert!(
            a.try_readwrite().is_ok(),
            "the result holds no borrow of the source array"
        );
        let out = out.cast_into::<PyArray1<f32>>().unwrap();
        assert_eq!(out.to_vec().unwrap(), vec![1.0, 2.0, 3.0]);
        assert_ne!(out.data(), a.data(), "a copy of its own");
    });
}
