//! The crate's one error type.

use core::fmt;

use crate::dtype::TensorKind;
use crate::element::Value;
use crate::{Casting, NdDType};

/// Everything that can go wrong converting between a Burn tensor and an ndarray array.
///
/// Messages are lowercase and name the dtypes, indices and numbers involved.
///
/// ```
/// use burn_nd::prelude::*;
/// use burn_nd::Error;
/// use burn::tensor::{Device, Tensor};
///
/// let t = Tensor::<1>::from_floats([0.5, 1.0], &Device::flex());
/// let err = t.to_ndarray::<i32>().unwrap_err();
/// assert!(matches!(err, Error::Casting { .. }));
/// assert_eq!(err.to_string(), "cannot cast float32 to int32 under Casting::Safe");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The cast from `from` to `to` is not allowed under the `casting` mode
    /// (see [`can_cast`](crate::can_cast)). Nothing was read from the device.
    Casting {
        /// The tensor's (or array's) logical dtype.
        from: NdDType,
        /// The requested dtype.
        to: NdDType,
        /// The casting mode that forbids it.
        casting: Casting,
    },
    /// Under [`Casting::Exact`], the element at `index` (in logical order) holds `value`,
    /// which the target dtype `to` cannot represent exactly.
    Inexact {
        /// The multi-dimensional index of the first offending element.
        index: Vec<usize>,
        /// Its exact value.
        value: Value,
        /// The dtype it failed to convert to.
        to: NdDType,
    },
    /// The array has `got` dimensions where the tensor type has `expected`.
    Rank {
        /// The number of dimensions found.
        got: usize,
        /// The number of dimensions the tensor type requires.
        expected: usize,
    },
    /// Burn has no rank-0 tensors, so a 0-dimensional array cannot become one; give the
    /// tensor rank 1 (`array.insert_axis(Axis(0))` makes a one-element array of rank 1).
    RankZero,
    /// The tensor is quantized; call `dequantize()` on it before converting.
    Quantized {
        /// The quantized dtype, as Burn's `Debug` prints it.
        dtype: String,
    },
    /// A quantized dtype was asked for as the target of a cast; burn-nd converts between
    /// plain dtypes only. Convert to a float dtype, then quantize with Burn.
    QuantizedTarget {
        /// The quantized dtype asked for, as Burn's `Debug` prints it.
        dtype: String,
    },
    /// A tensor of this kind cannot hold `dtype`: either the kind never holds it (a Float
    /// tensor of an integer dtype; the message says so), or the backend cannot (an f16
    /// tensor on burn-ndarray).
    Unsupported {
        /// The requested dtype.
        dtype: NdDType,
        /// The tensor kind: `"Float"`, `"Int"` or `"Bool"`.
        kind: &'static str,
    },
    /// A zero-copy conversion (in a backend crate such as `burn-nd-ndarray`) asked for
    /// `requested`, but the tensor stores `stored`; zero-copy paths never cast. Use
    /// [`ToNdarray::to_ndarray_with`](crate::ToNdarray::to_ndarray_with) to cast (one copy).
    DtypeMismatch {
        /// The dtype the tensor stores.
        stored: NdDType,
        /// The element type asked for.
        requested: NdDType,
    },
    /// A view of a tensor's memory was asked for, but the tensor lives on `device`, not in
    /// host memory; copy it to the CPU first (burn-nd-tch's `as_ndarray_view` does).
    NotOnHost {
        /// The device the tensor lives on, as the backend names it.
        device: String,
    },
    /// A conversion that works on one backend's memory only (a zero-copy path of a backend
    /// crate such as `burn-nd-ndarray`) was given a tensor on another device. Use
    /// [`ToNdarray`](crate::ToNdarray) or [`FromNdarray`](crate::FromNdarray), which work on
    /// every device (one copy).
    NotOnBackend {
        /// The backend the conversion needs, as `"burn-ndarray"`.
        backend: &'static str,
        /// The device the tensor lives on, as Burn prints it.
        device: String,
    },
    /// An array's shape differs from the shape it must replace (a module parameter's).
    Shape {
        /// The shape required.
        expected: Vec<usize>,
        /// The shape found.
        found: Vec<usize>,
    },
    /// Reading or loading the module parameter `name` failed with `source`.
    Param {
        /// The parameter's dotted path, e.g. `fc1.weight`.
        name: String,
        /// What went wrong.
        source: Box<Error>,
    },
    /// A module and a set of named arrays do not match: parameters with no array, arrays no
    /// parameter takes. Every name is listed, and so is every parameter that failed to load
    /// in the same pass (a wrong shape, a forbidden cast), each an [`Error::Param`].
    Keys {
        /// Parameters of the module with no array of that name.
        missing: Vec<String>,
        /// Arrays whose name is no parameter of the module.
        unexpected: Vec<String>,
        /// The parameters whose arrays were found but could not be loaded.
        failed: Vec<Error>,
    },
    /// `dtype` has no NumPy equivalent (bf16): widen it first, e.g. with
    /// [`DynArray::cast`](crate::DynArray::cast)`(NdDType::F32, Casting::Safe)`, which is exact.
    NotInNumpy {
        /// The dtype.
        dtype: NdDType,
    },
    /// The array's shape is too big for NumPy, which refuses to load it: the product of its
    /// non-zero axes, times the item size, must fit in `isize` (even when an axis is 0).
    TooBigForNumpy {
        /// The shape.
        shape: Vec<usize>,
        /// The dtype.
        dtype: NdDType,
    },
    /// A buffer handed to [`FromNdarray::from_shared_bytes`](crate::FromNdarray::from_shared_bytes)
    /// holds `found` bytes where the shape and dtype need `expected`.
    ByteLength {
        /// The bytes the shape and dtype need (`None` when that overflows `usize`).
        expected: Option<usize>,
        /// The bytes the buffer holds.
        found: usize,
    },
    /// A buffer of `bytes` bytes, sized by the input (an array's or tensor's element count,
    /// which a broadcast view makes huge at no cost), could not be allocated. NumPy raises
    /// `MemoryError` for the same request; burn-nd never aborts the process on it.
    Allocation {
        /// The bytes asked for (`None` when the count overflows `usize`).
        bytes: Option<usize>,
    },
    /// A file could not be opened, read or written.
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A `.npy` / `.npz` file (or one entry of an `.npz`) is corrupt, truncated, or holds a
    /// NumPy dtype with no Burn equivalent.
    Npy {
        /// The file, with the entry name for an `.npz` member (`weights.npz:fc1.weight`).
        file: String,
        /// What is wrong, with the numbers involved.
        reason: String,
    },
    /// A DLPack tensor burn-nd cannot take (a dtype Burn lacks, a malformed descriptor, a
    /// layout beyond the address space), or an export dlpark could not allocate.
    Dlpack {
        /// What is wrong, with the values involved.
        reason: String,
    },
    /// The backend failed to read the tensor back; Burn's error is kept as the source.
    Backend {
        /// Burn's own error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Casting { from, to, casting } => write!(
                f,
                "cannot cast {} to {} under Casting::{casting:?}",
                from.name(),
                to.name()
            ),
            Error::Inexact { index, value, to } => write!(
                f,
                "value {value} at index {index:?} cannot be represented exactly as {}",
                to.name()
            ),
            Error::Rank { got, expected } => write!(
                f,
                "rank mismatch: got {got} dimensions, expected {expected}"
            ),
            Error::RankZero => write!(
                f,
                "Burn has no rank-0 tensors: give the array rank 1 first \
                 (insert_axis(Axis(0)) makes a one-element array of rank 1)"
            ),
            Error::Quantized { dtype } => write!(
                f,
                "quantized tensor ({dtype}): call dequantize() before converting"
            ),
            Error::QuantizedTarget { dtype } => write!(
                f,
                "cannot convert to the quantized dtype {dtype}: convert to a float dtype, \
                 then quantize with Burn"
            ),
            Error::Unsupported { dtype, kind }
                if TensorKind::from_name(kind).is_some_and(|k| !k.holds(*dtype)) =>
            {
                write!(
                f,
                "{} {kind} tensor cannot hold {}: {kind} tensors hold {} dtypes",
                if *kind == "Int" { "an" } else { "a" },
                dtype.name(),
                match *kind {
                    "Float" => "float",
                    "Int" => "integer",
                    _ => "bool",
                }
            )
            }
            Error::Unsupported { dtype, kind } => write!(
                f,
                "dtype {} is not supported for {kind} tensors on this backend",
                dtype.name()
            ),
            Error::DtypeMismatch { stored, requested } => write!(
                f,
                "tensor stores {}, not {}: zero-copy cannot cast; use to_ndarray_with to cast (one copy)",
                stored.name(),
                requested.name()
            ),
            Error::NotOnHost { device } => write!(
                f,
                "tensor lives on {device}, not in host memory: copy it to the CPU to view it"
            ),
            Error::NotOnBackend { backend, device } => write!(
                f,
                "tensor lives on {device}, not on {backend}: this conversion shares {backend}'s \
                 memory only; ToNdarray and FromNdarray convert on every device (one copy)"
            ),
            Error::Shape { expected, found } => {
                write!(f, "shape mismatch: expected {expected:?}, found {found:?}")
            }
            Error::Param { name, source } => write!(f, "parameter `{name}`: {source}"),
            Error::Keys {
                missing,
                unexpected,
                failed,
            } => {
                write!(
                    f,
                    "module parameters and arrays differ: missing {missing:?}, unexpected {unexpected:?}"
                )?;
                failed.iter().try_for_each(|e| write!(f, "; and {e}"))
            }
            Error::NotInNumpy { dtype } => write!(
                f,
                "{} has no NumPy dtype: widen it first (DynArray::cast(DType::F32, Casting::Safe) is exact)",
                dtype.name()
            ),
            Error::TooBigForNumpy { shape, dtype } => write!(
                f,
                "shape {shape:?} of {} is too big for NumPy, which would refuse to load it: \
                 the product of the non-zero axes, in bytes, must fit in isize",
                dtype.name()
            ),
            Error::ByteLength {
                expected: Some(expected),
                found,
            } => write!(
                f,
                "buffer holds {found} bytes, the shape and dtype need {expected}"
            ),
            Error::ByteLength {
                expected: None,
                found,
            } => write!(
                f,
                "buffer holds {found} bytes, the shape and dtype need more than usize can count"
            ),
            Error::Allocation { bytes: Some(bytes) } => {
                write!(f, "cannot allocate {bytes} bytes for the result")
            }
            Error::Allocation { bytes: None } => write!(
                f,
                "cannot allocate the result: its size in bytes overflows usize"
            ),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Npy { file, reason } => write!(f, "{file}: not a readable .npy: {reason}"),
            Error::Dlpack { reason } => write!(f, "DLPack: {reason}"),
            Error::Backend { source } => write!(f, "backend read failed: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Backend { source } => Some(source.as_ref()),
            Error::Param { source, .. } => Some(source.as_ref()),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    /// Wraps a backend's own error as [`Error::Backend`] (for backend crates' read paths).
    ///
    /// ```
    /// let err = burn_nd::Error::backend(std::io::Error::other("device lost"));
    /// assert_eq!(err.to_string(), "backend read failed: device lost");
    /// ```
    pub fn backend(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Backend {
            source: Box::new(source),
        }
    }

    /// [`Error::Quantized`] for the quantized dtype `dtype` (a Burn `DType`), named as Burn's
    /// `Debug` prints it.
    pub(crate) fn quantized(dtype: &impl fmt::Debug) -> Self {
        Error::Quantized {
            dtype: format!("{dtype:?}"),
        }
    }

    /// [`Error::QuantizedTarget`] for the quantized dtype `dtype`, named as [`Error::quantized`]
    /// names it.
    pub(crate) fn quantized_target(dtype: &impl fmt::Debug) -> Self {
        Error::QuantizedTarget {
            dtype: format!("{dtype:?}"),
        }
    }
}
