//! Burn tensors as `numpy.ndarray` in Python, and NumPy arrays as Burn tensors, for Rust
//! models called from Python through [PyO3](https://pyo3.rs) and
//! [rust-numpy](https://docs.rs/numpy): PyTorch's `t.detach().cpu().numpy()` and
//! `torch.from_numpy`, on every backend and both Burn lines burn-nd serves, without the
//! detour through Python lists that `tolist()` takes.
//!
//! | you want | use |
//! |---|---|
//! | a tensor as a `numpy.ndarray` of its own dtype | [`ToNumpy::to_numpy`], [`ToNumpy::into_numpy`] (no copy from a unique burn-flex or burn-ndarray tensor) |
//! | a typed `PyArrayDyn<E>` under a casting rule | [`ToNumpy::to_pyarray`] |
//! | a NumPy array as a tensor (any dtype Burn has, any layout, no copy when C-contiguous) | [`FromNumpy::from_numpy`], [`FromNumpy::from_numpy_as`] |
//! | a tensor Python's array libraries take directly (`torch.from_dlpack`, `np.asarray`, `memoryview`) | [`PyTensor`] (feature `dlpack`, default) |
//! | anything a Python user holds as a tensor: a NumPy array, a PyTorch or JAX CPU array or any `__dlpack__` producer in host memory, a buffer | [`FromNumpy::from_python`], [`FromNumpy::from_python_as`] (feature `dlpack`) |
//! | a module's parameters as a `dict` of arrays | [`dyn_array_into_numpy`] over `burn_nd::module_to_arrays` |
//! | burn-nd's errors as Python exceptions (`MemoryError` for a result too big to allocate) | [`to_py_err`] |
//!
//! Casting rules, dtypes and errors are burn-nd's own: this crate converts between NumPy's
//! objects and burn-nd's arrays and adds nothing else. Features `burn-0-22` (default) and
//! `burn-0-21` pick the Burn line, as for burn-nd.
//!
//! ```
//! use burn::tensor::{Device, Tensor};
//! use burn_nd_numpy::{FromNumpy, ToNumpy};
//! use pyo3::prelude::*;
//!
//! Python::attach(|py| -> PyResult<()> {
//!     let x = py.import("numpy")?.call_method1("linspace", (0.0, 1.0, 4, true, false, "float32"))?;
//!     let t = Tensor::<1>::from_numpy(&x, &Device::flex())?; // shares x's memory
//!     let y = (t * 2.0).into_numpy(py)?; // NumPy takes the result's buffer
//!     assert_eq!(y.call_method0("tolist")?.extract::<Vec<f32>>()?, vec![0.0, 2.0 / 3.0, 4.0 / 3.0, 2.0]);
//!     Ok(())
//! })?;
//! # Ok::<_, PyErr>(())
//! ```
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod borrow;
mod dtype;
mod error;
mod from;
#[cfg(feature = "dlpack")]
mod tensor;
mod to;

pub use dtype::nd_dtype;
pub use error::to_py_err;
pub use from::FromNumpy;
#[cfg(feature = "dlpack")]
pub use tensor::PyTensor;
pub use to::{dyn_array_into_numpy, NumpyElement, ToNumpy};

pub use burn_nd;
pub use numpy;
pub use pyo3;
