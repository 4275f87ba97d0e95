//! Burn tensors to `ndarray` arrays and back, on every backend: the Rust answer to PyTorch's
//! `tensor.detach().cpu().numpy()`, `torch.from_numpy` and NumPy's `astype`.
//!
//! # Map of the crate
//!
//! | you want | use |
//! |---|---|
//! | a tensor as an array (any backend, Float / Int / Bool, `Autodiff` too) | [`ToNdarray`]: `to_ndarray`, `into_ndarray`, `_dyn` and `_with` forms |
//! | an array as a tensor (any layout, any element type) | [`FromNdarray`]: `from_ndarray`, `from_ndarray_as` |
//! | control over how values may change | [`Casting`], after NumPy's `casting=`, plus [`Casting::Exact`] |
//! | to ask whether a cast is allowed | [`can_cast`], which agrees with `numpy.can_cast` |
//! | the element types and the `as` cast rule | [`NdElement`], [`Value`] |
//! | to convert data read some other way (async, `Transaction`) | [`ndarray_from_data`] |
//! | an array whose dtype is known only at run time | [`DynArray`] |
//! | every parameter of a `Module` by name, and back | [`module_to_arrays`], [`module_from_arrays`] |
//! | `.npy` / `.npz` files of tensors, arrays, modules (feature `npy`) | `npy` |
//! | the static dimension of a rank | [`Rank`], [`StaticRank`] |
//! | what went wrong | [`Error`] |
//! | everything at once | [`prelude`] |
//!
//! `ndarray` (0.17, the version burn-ndarray uses) and `half` are re-exported, so the array
//! and f16/bf16 types you get are the ones this crate speaks.
//!
//! ```
//! use burn_nd::prelude::*;
//! use burn::tensor::Tensor;
//! use burn_ndarray::NdArray;
//! use ndarray::{array, Array2};
//!
//! let device = Default::default();
//! let t = Tensor::<NdArray, 2>::from_ndarray(&array![[1.0f64, 2.0], [3.0, 4.0]], &device)?;
//! let doubled: Array2<f32> = (t * 2.0).into_ndarray()?;
//! assert_eq!(doubled, array![[2.0, 4.0], [6.0, 8.0]]);
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! # Costs
//!
//! Reading a tensor goes through the backend's own read-back (`Tensor::try_into_data`), then
//! at most one pass to cast. `into_ndarray` of a unique, contiguous burn-ndarray tensor read
//! as its own dtype reuses the tensor's buffer: no copy at all. Any other burn-ndarray tensor
//! (shared, as every `to_ndarray(&self)` is, or strided) is read through a view of its buffer
//! with one `memcpy` or cast loop (feature `ndarray`, default), not Burn's element-by-element
//! walk. A burn-tch tensor on the CPU is read the same way through a view of libtorch's memory
//! (feature `tch`, which burn-nd-tch turns on; `tch_cpu_view` is that view), not Burn's
//! three-call read. Casts between primitive types are vectorised loops; large outputs ask for
//! huge pages. `from_ndarray` copies once (casting on the way) and hands that buffer to the
//! backend.
//!
//! # Limits
//!
//! - Quantized tensors are refused ([`Error::Quantized`]); dequantize first.
//! - No function here panics on user data: NaN, infinities and overflow follow
//!   [`Casting`], never Burn's panicking `TensorData::convert`.
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod casting;
mod data;
#[cfg(any(feature = "ndarray", feature = "tch"))]
mod direct;
mod dynarray;
mod element;
mod error;
mod fast;
mod from;
mod module;
#[cfg(feature = "ndarray")]
mod ndarray_backend;
#[cfg(feature = "npy")]
pub mod npy;
mod rank;
#[cfg(feature = "tch")]
mod tch_backend;
mod to;

pub use casting::{can_cast, Casting};
pub use data::check_cast;
pub use dynarray::{DynArray, DynElement};
pub use element::{NdElement, Value};
pub use error::Error;
pub use from::{kind_holds, FromNdarray};
pub use module::{module_from_arrays, module_to_arrays};
pub use rank::{Rank, StaticRank};
#[cfg(feature = "tch")]
pub use tch_backend::tch_cpu_view;
pub use to::{ndarray_from_data, ToNdarray};

pub use half;
pub use ndarray;

/// The traits and types most code needs: `use burn_nd::prelude::*;`.
///
/// ```
/// use burn_nd::prelude::*;
/// use burn::tensor::Tensor;
/// use burn_ndarray::NdArray;
///
/// let t = Tensor::<NdArray, 1>::from_floats([1.0], &Default::default());
/// let a = t.to_ndarray_with::<f64>(Casting::Safe)?;
/// assert_eq!(a[0], 1.0);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub mod prelude {
    pub use crate::{can_cast, Casting, Error, FromNdarray, NdElement, ToNdarray};
}

/// The README's examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(all(doctest, feature = "npy"))]
pub struct ReadmeDoctests;
