//! A shared borrow of a NumPy array, registered with rust-numpy's borrow checker for as long as
//! a tensor reads the array's memory.
//!
//! rust-numpy hands out `&mut` access to an array's memory (`readwrite()`) only when its
//! borrow checker knows no other borrow of that memory. The checker is one table per process,
//! shared by every rust-numpy extension through a capsule NumPy's `multiarray` module holds
//! (`_RUST_NUMPY_BORROW_CHECKING_API`, a versioned C API: version 1 has the fields below, later
//! versions only append). A zero-copy tensor takes a shared borrow there when it is built and
//! gives it back when the last tensor on that memory is dropped, so `try_readwrite()` fails in
//! between, in this extension or any other.

use std::ffi::{c_int, c_void, CStr};
use std::ptr::NonNull;

use numpy::npyffi::PyArrayObject;
use numpy::{get_array_module, PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCapsule;

const API_NAME: &CStr = c"_RUST_NUMPY_BORROW_CHECKING_API";
const GUARD_NAME: &CStr = c"burn_nd_numpy.SharedBorrow";

/// Version 1 of rust-numpy's shared borrow-checking API, as it lays it out (`#[repr(C)]`,
/// `borrow/shared.rs`). The mutable-borrow entries are never called here; they are part of
/// the layout.
#[repr(C)]
#[allow(dead_code)]
struct BorrowApi {
    version: u64,
    flags: *mut c_void,
    acquire: unsafe extern "C" fn(flags: *mut c_void, array: *mut PyArrayObject) -> c_int,
    acquire_mut: unsafe extern "C" fn(flags: *mut c_void, array: *mut PyArrayObject) -> c_int,
    release: unsafe extern "C" fn(flags: *mut c_void, array: *mut PyArrayObject),
    release_mut: unsafe extern "C" fn(flags: *mut c_void, array: *mut PyArrayObject),
}

/// What the guard capsule owns: the borrowed array and the API that took the borrow.
struct Held {
    api: NonNull<BorrowApi>,
    /// Keeps the API's capsule, and so `api`, alive.
    _api_capsule: Py<PyCapsule>,
    /// The private view the borrow is registered for.
    array: Py<PyUntypedArray>,
    /// The array the caller gave, held too: the view's base is the memory's owner, which
    /// need not be that array, and the tensor keeps the array it was made from alive.
    _source: Py<PyUntypedArray>,
}

// SAFETY: `api` points into the capsule `_api_capsule` keeps alive, and is only dereferenced
// in the guard's destructor, which Python runs with the GIL held (the API's own rule); `Py`
// handles are `Send`.
unsafe impl Send for Held {}

/// Takes a shared borrow of `array`'s memory in rust-numpy's borrow checker and returns the
/// Python object that holds it, with the array view the borrow is registered for (read the
/// data pointer from that view). The guard is a capsule that keeps the view and
/// `array` alive and releases the borrow when Python destroys it (with the GIL held:
/// dropping the `Py` on a thread without it defers both to PyO3's next acquisition of the
/// GIL). A `ValueError` when the memory is borrowed mutably (a live `readwrite()`), as
/// rust-numpy's own `try_readonly` refuses.
///
/// The borrow is taken on a fresh view of `array` that only the guard holds: rust-numpy
/// finds a borrow again from the array's fields (data pointer, shape, strides, item size)
/// when it releases it, and panics inside its `extern "C"` release, an abort, when they
/// changed. Python can reassign `a.dtype` or `a.shape` of the array it holds, never those of
/// this view; the view's memory is the array's, so borrows of the array conflict with it.
pub(crate) fn shared_borrow<'py>(
    array: &Bound<'py, PyUntypedArray>,
) -> PyResult<(Py<PyCapsule>, Bound<'py, PyUntypedArray>)> {
    let source = array.clone().unbind();
    let array = array.call_method0("view")?.cast_into::<PyUntypedArray>()?;
    let py = array.py();
    let api_capsule = borrow_api(py)?;
    let api = api_capsule
        .pointer_checked(Some(API_NAME))?
        .cast::<BorrowApi>();
    // SAFETY: the capsule holds a `BorrowApi` of version >= 1 (checked by `borrow_api`), alive
    // while the capsule is; the GIL is held and `array` is a live array object (the view).
    let rc = unsafe {
        let api = api.as_ref();
        (api.acquire)(api.flags, array.as_array_ptr())
    };
    if rc != 0 {
        return Err(PyValueError::new_err(
            "the NumPy array is borrowed mutably from Rust (a live readwrite()); a tensor \
             cannot share its memory",
        ));
    }
    let held = Held {
        api,
        _api_capsule: api_capsule.unbind(),
        array: array.clone().unbind(),
        _source: source,
    };
    let guard = PyCapsule::new_with_value_and_destructor(py, held, GUARD_NAME, |held, _| {
        // SAFETY: Python destroys the capsule with the GIL held; the borrow taken above is
        // still registered (only this destructor releases it) for the view `held` keeps,
        // whose fields no one else can change (no one else holds it), so rust-numpy finds it.
        unsafe {
            let api = held.api.as_ref();
            (api.release)(api.flags, held.array.as_ptr().cast::<PyArrayObject>());
        }
    });
    match guard {
        Ok(guard) => Ok((guard.unbind(), array)),
        Err(e) => {
            // SAFETY: as for the destructor: the GIL is held and the borrow is registered.
            unsafe {
                let api = api.as_ref();
                (api.release)(api.flags, array.as_array_ptr());
            }
            Err(e)
        }
    }
}

/// rust-numpy's API capsule, looked up once per process: the lookup (an import and an
/// attribute) took a third of a zero-copy `from_numpy`, and the capsule lives as long as
/// NumPy's module, for the process.
fn borrow_api(py: Python<'_>) -> PyResult<Bound<'_, PyCapsule>> {
    static API: PyOnceLock<Py<PyCapsule>> = PyOnceLock::new();
    API.get_or_try_init(py, || find_borrow_api(py).map(Bound::unbind))
        .map(|api| api.bind(py).clone())
}

/// rust-numpy's API capsule, published by the first borrow any rust-numpy extension takes
/// (one of a one-element array here if none has yet), checked to be version 1 or later.
fn find_borrow_api(py: Python<'_>) -> PyResult<Bound<'_, PyCapsule>> {
    let module = get_array_module(py)?;
    let capsule = match module.getattr("_RUST_NUMPY_BORROW_CHECKING_API") {
        Ok(capsule) => capsule,
        Err(_) => {
            drop(PyArray1::<u8>::zeros(py, 1, false).try_readonly()?);
            module.getattr("_RUST_NUMPY_BORROW_CHECKING_API")?
        }
    };
    let capsule = capsule.cast_into::<PyCapsule>()?;
    let api = capsule.pointer_checked(Some(API_NAME))?.cast::<BorrowApi>();
    // SAFETY: every version of the API starts with its `u64` version.
    let version = unsafe { api.as_ref().version };
    if version < 1 {
        return Err(PyTypeError::new_err(format!(
            "rust-numpy's borrow-checking API has version {version}; burn-nd-numpy needs 1"
        )));
    }
    Ok(capsule)
}
