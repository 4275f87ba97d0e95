//! A direct read of libtorch CPU tensors (features `tch` on Burn 0.21, `tch-0-22` on 0.22),
//! written against the tch crate alone, so both lines' burn-tch read through it.
//!
//! Burn's own read of a tch tensor calls libtorch three times (a reshape, a kind conversion,
//! then a copy into a `Vec` that tch first fills with zeros): about a microsecond whatever the
//! size, and two passes over the output. A CPU tensor's memory can be read in place instead:
//! [`cpu_view`] views it with libtorch's own shape and strides, and `ToNdarray` copies or
//! casts from that view once.

use ndarray::{Array, ArrayBase, ArrayViewD, DataMut, Dimension, IxDyn, ShapeBuilder};

use crate::base::array::{assign_same, read_array};
use crate::{Error, NdDType, NdElement};

/// The dtype a libtorch kind stores, for the kinds Burn uses (as burn-tch's `dtype()` maps them).
pub(crate) fn stored_dtype(kind: tch::Kind) -> Option<NdDType> {
    use tch::Kind;
    Some(match kind {
        Kind::Double => NdDType::F64,
        Kind::Float => NdDType::F32,
        Kind::Half => NdDType::F16,
        Kind::BFloat16 => NdDType::BF16,
        Kind::Int64 => NdDType::I64,
        Kind::Int => NdDType::I32,
        Kind::Int16 => NdDType::I16,
        Kind::Int8 => NdDType::I8,
        Kind::Uint8 => NdDType::U8,
        Kind::Bool => NdDType::Bool,
        _ => return None,
    })
}

/// A read-only view of a CPU libtorch tensor's memory as `A`s, with libtorch's own shape and
/// strides (any strides, no `.contiguous()` copy): the zero-copy building block behind
/// burn-nd-tch's `as_ndarray_view`, and behind [`ToNdarray`](crate::ToNdarray)'s one-copy read
/// of burn-tch tensors.
///
/// `A` must be the element type the tensor's kind stores ([`Error::DtypeMismatch`] otherwise;
/// a Bool tensor may also be read as its `u8` bytes, which trusts nothing about them). A
/// tensor on another device gives [`Error::NotOnHost`]: copy it to the CPU first. The view
/// borrows the tensor handle, which keeps the memory alive; it does not stop libtorch from
/// writing through another handle to the same storage, so hold no other mutable handle while
/// the view lives.
///
/// ```no_run
/// let t = tch::Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]).view([2, 2]).tr();
/// let v = burn_nd::backend::tch::cpu_view::<f32>(&t)?;
/// assert_eq!(v.strides(), &[1, 2]);
/// assert_eq!(v[[0, 1]], 3.0);
/// assert!(burn_nd::backend::tch::cpu_view::<f64>(&t).is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
/// # use burn021 as burn;
pub fn cpu_view<A: NdElement>(tensor: &tch::Tensor) -> Result<ArrayViewD<'_, A>, Error> {
    let device = tensor.device();
    if device != tch::Device::Cpu {
        return Err(Error::NotOnHost {
            device: format!("{device:?}"),
        });
    }
    let kind = tensor.f_kind().map_err(Error::backend)?;
    let Some(stored) = stored_dtype(kind) else {
        return Err(Error::backend(tch::TchError::Kind(format!(
            "libtorch kind {kind:?} has no Burn dtype"
        ))));
    };
    let as_bytes = kind == tch::Kind::Bool && A::DTYPE == NdDType::U8;
    if stored != A::DTYPE && !as_bytes {
        return Err(Error::DtypeMismatch {
            stored,
            requested: A::DTYPE,
        });
    }
    // SAFETY: the tensor is on the CPU and its kind stores `A`s (or bytes, read as u8).
    Ok(unsafe { cpu_view_unchecked(tensor) })
}

/// [`cpu_view`] without its checks.
///
/// # Safety
///
/// `tensor` lives on the CPU and its elements are valid `A`s of `A`'s size and alignment.
unsafe fn cpu_view_unchecked<A>(tensor: &tch::Tensor) -> ArrayViewD<'_, A> {
    let dims = |v: Vec<i64>| v.into_iter().map(|d| d as usize).collect::<Vec<_>>();
    let size = dims(tensor.size());
    let empty = size.contains(&0);
    let shape = IxDyn(&size).strides(IxDyn(&dims(tensor.stride())));
    let ptr = if empty {
        // No element is reachable; a dangling, aligned pointer is what ndarray asks for.
        std::ptr::NonNull::<A>::dangling().as_ptr()
    } else {
        tensor.data_ptr() as *const A
    };
    // SAFETY: by the caller's contract `ptr` points at initialised, aligned `A`s on the host
    // (or is dangling for an empty tensor, where nothing is read). libtorch's shape and
    // strides (never negative) reach only offsets inside the tensor's storage, which the
    // borrowed handle keeps alive for the view's lifetime.
    unsafe { ArrayViewD::from_shape_ptr(shape, ptr) }
}

/// `$body` with `$view` bound to a view of `$tensor`'s memory in its stored element type;
/// `$none` for a tensor off the CPU or of a kind Burn does not use.
macro_rules! with_cpu_view {
    ($tensor:expr, $view:ident => $body:expr, $none:expr) => {
        with_cpu_view!(@kinds $tensor, $view => $body, $none;
            Double => f64, Float => f32, Half => half::f16, BFloat16 => half::bf16,
            Int64 => i64, Int => i32, Int16 => i16, Int8 => i8, Uint8 => u8, Bool => bool)
    };
    (@kinds $tensor:expr, $view:ident => $body:expr, $none:expr; $($kind:ident => $a:ty),*) => {
        if $tensor.device() != tch::Device::Cpu {
            $none
        } else {
            match $tensor.f_kind() {
                $(Ok(tch::Kind::$kind) => {
                    // SAFETY: the tensor is on the CPU and its kind stores `$a`s. A Bool
                    // tensor's bytes are 0 or 1, as every libtorch op writes them and as
                    // tch's own reads (Burn's included) and burn-nd-tch's views assume.
                    let $view = unsafe { cpu_view_unchecked::<$a>($tensor) };
                    $body
                })*
                _ => $none,
            }
        }
    };
}

/// Reads a burn-tch tensor through a view of its memory, one copy or cast loop. `None` for a
/// tensor off the CPU (Burn's own read copies it to the host) or of a kind Burn does not use.
pub(crate) fn read_copy<E: NdElement, Dm: Dimension>(
    tensor: &tch::Tensor,
    exact: bool,
) -> Option<Result<Array<E, Dm>, Error>> {
    with_cpu_view!(tensor, view => Some(read_array(&view, exact)), None)
}

/// Copies a CPU burn-tch tensor's values into `out` (same shape) when it stores `E`s; `false`
/// off the CPU or when it stores another type.
pub(crate) fn copy_into<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    tensor: &tch::Tensor,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    with_cpu_view!(tensor, view => assign_same(&view, out), false)
}
