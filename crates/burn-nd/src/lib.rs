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
//! | the element types and the `as` cast rule | [`NdElement`], [`NdDType`] |
//! | many tensors in one device sync, an awaited read, a read narrowed on the device | [`read_batch`], [`ToNdarrayAsync`], [`NarrowRead`] |
//! | to convert data read some other way | [`ndarray_from_data`] |
//! | a view of a CPU tensor's values (Burn 0.22): burn-flex's memory, or a libtorch copy | `AsNdarrayView` |
//! | an array whose dtype is known only at run time | [`DynArray`] |
//! | a tensor's values as bytes in one buffer, to hand to C or Python without another copy | [`ToNdarray::into_host_buffer`], [`HostBuffer`] |
//! | every parameter of a `Module` by name, and back | [`module_to_arrays`], [`module_from_arrays`] |
//! | `.npy` / `.npz` files of tensors, arrays, modules (feature `npy`) | `npy` |
//! | the static dimension of a rank | [`Rank`], [`StaticRank`] |
//! | what went wrong | [`Error`] |
//! | to write a backend crate on top of burn-nd | [`backend`] |
//! | everything at once | [`prelude`] |
//!
//! `ndarray` (0.17, the version burn-ndarray uses) and `half` are re-exported, so the array
//! and f16/bf16 types you get are the ones this crate speaks.
//!
//! ```
//! use burn_nd::prelude::*;
//! use burn::tensor::{Device, Tensor};
//! use ndarray::{array, Array2};
//!
//! let device = Device::flex();
//! let t = Tensor::<2>::from_ndarray(&array![[1.0f64, 2.0], [3.0, 4.0]], &device)?;
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
//! (feature `tch`, which burn-nd-tch turns on; the `unsafe` `backend::tch::cpu_view` is that
//! view), not Burn's three-call read. Casts between primitive types are vectorised loops; large outputs ask for
//! huge pages. `from_ndarray` copies once (casting on the way) and hands that buffer to the
//! backend.
//!
//! # Limits
//!
//! - Quantized tensors are refused ([`Error::Quantized`]); dequantize first.
//! - No function here panics on user data: NaN, infinities and overflow follow
//!   [`Casting`], never Burn's panicking `TensorData::convert`.
#![deny(missing_docs)]
// The fuzz build (no Burn line, `--cfg fuzzing`) uses only the `.npy` codec: the macros and
// helpers each line instantiates are unused there.
#![cfg_attr(
    not(any(feature = "burn-0-21", feature = "burn-0-22")),
    allow(unused_macros, dead_code)
)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

// The Burn-version-free half first: its macros (the dtype list) serve everything after it.
#[macro_use]
mod base;
#[cfg(feature = "burn-0-21")]
mod burn_0_21;
#[cfg(feature = "burn-0-22")]
mod burn_0_22;
#[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
mod ndarray_native;
#[cfg(feature = "npy")]
pub mod npy;
#[cfg(any(feature = "tch-0-21", feature = "tch-0-22"))]
mod tch_view;

pub use base::casting::{can_cast, Casting};
pub use base::dtype::{DTypeKind, DTypeLike, NdDType, TensorKind};
pub use base::dynarray::DynArray;
pub use base::element::NdElement;
pub use base::error::Error;
pub use base::from::FromNdarray;
pub use base::host::HostBuffer;
pub use base::module::{lines, module_from_arrays, module_to_arrays, ModuleParams};
pub use base::rank::{Rank, StaticRank};
pub use base::readback::{ndarray_from_data, read_batch, TensorDataLike, ToNdarrayAsync};
pub use base::to::ToNdarray;
#[cfg(feature = "burn-0-21")]
pub use burn_0_21::batch::NarrowRead;
#[cfg(feature = "burn-0-22")]
pub use burn_0_22::to::kinds;
#[cfg(feature = "burn-0-22")]
pub use burn_0_22::to::NdKind;
#[cfg(feature = "burn-0-22")]
pub use burn_0_22::view::{AsNdarrayView, HostView};

// The fuzz targets (`--cfg fuzzing`) exercise only the line-free `.npy` codec.
#[cfg(not(any(feature = "burn-0-21", feature = "burn-0-22", fuzzing)))]
compile_error!(
    "burn-nd needs a Burn line: enable feature `burn-0-22` (Burn 0.22, the default) or \
     `burn-0-21` (Burn 0.21), or both"
);

pub use bytes;
pub use half;
pub use ndarray;

/// For authors of backend crates (burn-nd-ndarray, burn-nd-tch) and other code built on
/// burn-nd's internals: the cast check every read path runs first, the kind rule, exact
/// element values, and each backend's own building blocks. A Burn user needs none of it.
///
/// ```
/// use burn_nd::backend::{check_cast, kind_holds, Value};
/// use burn_nd::{Casting, NdDType, NdElement, TensorKind};
///
/// assert!(check_cast(NdDType::I32, NdDType::I64, Casting::Safe).is_ok());
/// assert!(kind_holds(TensorKind::Int, NdDType::U8));
/// assert_eq!(2.0f32.to_value(), Value::Int(2));
/// ```
pub mod backend {
    pub use crate::base::array::{logical_values, try_to_vec};
    pub use crate::base::casting::check_cast;
    pub use crate::base::dtype::{burn_kind, kind_holds, logical_dtype};
    pub use crate::base::dynarray::DynElement;
    pub use crate::base::element::Value;
    pub use crate::base::from::check_target;

    /// What burn-nd knows of burn-ndarray (features `ndarray` and `ndarray-0-22`): the
    /// element types it stores natively and, on Burn 0.21, how each tensor kind's primitive
    /// holds an `NdArrayTensor`, which burn-nd-ndarray's zero-copy sharing is built on.
    #[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
    pub mod ndarray {
        #[cfg(feature = "burn-0-21")]
        pub use crate::burn_0_21::ndarray::NdArrayKind;
        pub use crate::ndarray_native::NativeElement;
    }

    /// What burn-nd knows of libtorch (features `tch` and `tch-0-22`): the zero-copy view of a
    /// CPU tensor's memory, and on Burn 0.21 how each tensor kind's primitive holds a
    /// `TchTensor`, which burn-nd-tch's views are built on.
    #[cfg(any(feature = "tch-0-21", feature = "tch-0-22"))]
    pub mod tch {
        #[cfg(feature = "tch-0-21")]
        pub use crate::burn_0_21::tch::TchKind;
        pub use crate::tch_view::cpu_view;
    }
}

/// The traits and types most code needs: `use burn_nd::prelude::*;`.
///
/// ```
/// use burn_nd::prelude::*;
/// use burn::tensor::{Device, Tensor};
///
/// let t = Tensor::<1>::from_floats([1.0], &Device::flex());
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
