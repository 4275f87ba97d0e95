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
//! | a tensor as a DLPack tensor and back, zero-copy on the CPU (feature `dlpack`) | `dlpack` |
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
#![cfg_attr(not(feature = "_line"), allow(unused_macros, dead_code))]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

// The layout (CONTRIBUTING.md has the recipes for a new line, backend or dtype):
// - line-free, naming no Burn crate: `dtype` (its macros, the one dtype list, come first),
//   `element`, `fast` (cast loops), `casting`, `error`, `rank`, `array`, `dynarray`, `host`,
//   `npy` (the codec);
// - `line`: the trait a Burn release implements; `storage`: the seam a CPU backend implements;
// - `convert/`: what burn-nd does, written once over those two;
// - `backends/`: one home per CPU backend, every line inside;
// - `lines/`: one adapter per Burn release.
#[macro_use]
mod dtype;
#[macro_use]
mod dynarray;
mod array;
mod backends;
mod casting;
mod check;
#[macro_use]
mod convert;
#[cfg(feature = "dlpack")]
pub mod dlpack;
mod element;
mod error;
mod fast;
mod host;
mod line;
pub mod lines;
#[cfg(feature = "npy")]
pub mod npy;
mod rank;
mod storage;

pub use casting::{can_cast, Casting};
pub use convert::from::FromNdarray;
pub use convert::module::{module_from_arrays, module_to_arrays, ModuleParams};
pub use convert::narrow::NarrowRead;
pub use convert::readback::{ndarray_from_data, read_batch, TensorDataLike, ToNdarrayAsync};
pub use convert::to::ToNdarray;
pub use dtype::{DTypeKind, DTypeLike, NdDType, TensorKind};
pub use dynarray::DynArray;
pub use element::NdElement;
pub use error::Error;
pub use host::HostBuffer;
// What only one Burn line has (its kind trait, its views): `lines/mod.rs` lists it.
#[allow(unused_imports)] // the enabled lines may have no item of their own (Burn 0.21 alone)
pub use lines::line_items::*;
pub use rank::{Rank, StaticRank};

// The fuzz targets (`--cfg fuzzing`) exercise only the line-free `.npy` codec.
// `_line` is the internal feature every line's feature turns on.
#[cfg(not(any(feature = "_line", fuzzing)))]
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
    pub use crate::array::{logical_values, try_to_vec};
    pub use crate::check::check_cast;
    pub use crate::check::{burn_kind, logical_dtype};
    pub use crate::convert::from::check_target;
    pub use crate::dtype::kind_holds;
    pub use crate::dynarray::DynElement;
    pub use crate::element::Value;

    /// What burn-nd knows of burn-ndarray (Burn 0.21, and feature `ndarray-0-22`): the
    /// element types it stores natively and, on Burn 0.21, how each tensor kind's primitive
    /// holds an `NdArrayTensor`, which burn-nd-ndarray's zero-copy sharing is built on.
    #[cfg(feature = "_ndarray")]
    pub mod ndarray {
        pub use crate::backends::ndarray::NativeElement;
        #[cfg(feature = "burn-0-21")]
        pub use crate::backends::ndarray::NdArrayKind;
    }

    /// What burn-nd knows of libtorch (features `tch-0-21` and `tch-0-22`): the zero-copy
    /// view of a CPU tensor's memory, and on Burn 0.21 how each tensor kind's primitive holds
    /// a `TchTensor`, which burn-nd-tch's views are built on.
    #[cfg(feature = "_tch")]
    pub mod tch {
        pub use crate::backends::tch::cpu_view;
        #[cfg(feature = "tch-0-21")]
        pub use crate::backends::tch::TchKind;
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

/// The depth the README links to, compiled and run as doctests too.
#[doc = include_str!("../../../docs/backends.md")]
#[doc = include_str!("../../../docs/python.md")]
#[cfg(all(doctest, feature = "npy"))]
pub struct DocsDoctests;

/// The README's examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(all(doctest, feature = "npy"))]
pub struct ReadmeDoctests;

#[cfg(test)]
mod line_free_tests {
    /// Every file of this module tree, with its contents.
    fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }

    /// The line-free part (everything but `lines/` and `backends/`) names no Burn crate in a
    /// path outside comments (doc examples may show how a Burn user calls it), so it compiles
    /// unchanged beside any Burn release line.
    #[test]
    #[cfg_attr(miri, ignore = "reads source files; no unsafe code to check")]
    fn no_burn_crate_is_named_here() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&dir, &mut files);
        files.retain(|(path, _)| {
            let relative = path.strip_prefix(&dir).unwrap_or(path);
            !(relative.starts_with("lines") || relative.starts_with("backends"))
        });
        assert!(files.len() >= 10, "found only {} files", files.len());
        let mut offenders = Vec::new();
        for (path, text) in &files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // A path through a Burn crate: `burn::…`, `burn_tensor::…`, but not `burn_nd::…`.
                let parts: Vec<&str> = code.split("::").collect();
                let names_burn = parts[..parts.len() - 1].iter().any(|before| {
                    let crate_name = before
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("");
                    // `burn_0_21` and the like are this crate's own line modules.
                    crate_name == "burn"
                        || crate_name == "burn021"
                        || (crate_name.starts_with("burn_")
                            && crate_name != "burn_nd"
                            && !crate_name.starts_with("burn_0_"))
                });
                if names_burn {
                    offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
        assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    }
}
