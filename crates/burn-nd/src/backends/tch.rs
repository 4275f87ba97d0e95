//! Everything burn-nd knows about libtorch (burn-tch), on both Burn lines (features `tch-0-21`
//! and `tch-0-22`): the memory of a CPU tensor, read in place ([`HostStorage`](crate::storage::HostStorage)), the `unsafe`
//! zero-copy view burn-nd-tch builds on, and on Burn 0.21 how each tensor kind holds a
//! `TchTensor`. Written against the tch crate, which both lines' burn-tch share.
//!
//! Burn's own read of a tch tensor calls libtorch three times (a reshape, a kind conversion,
//! then a copy into a `Vec` that tch first fills with zeros): about a microsecond whatever the
//! size, and two passes over the output. A CPU tensor's memory can be read in place instead:
//! `checked_view` views it with libtorch's own shape and strides (after checking its kind,
//! and a Bool tensor's bytes), and `ToNdarray` copies or casts from that view once. The
//! `unsafe` [`cpu_view`] is the same view for callers who answer for writers to the memory.

use ndarray::{ArrayViewD, IxDyn, ShapeBuilder};

use crate::array::check_bool_bytes;
use crate::storage::{HostStorage, ViewFn};
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
/// burn-nd-tch's views.
///
/// `A` must be the element type the tensor's kind stores ([`Error::DtypeMismatch`] otherwise;
/// a Bool tensor may also be read as its `u8` bytes). A Bool tensor's bytes are checked to be
/// 0 or 1 before they are viewed as `bool` ([`Error::Backend`] naming the first other byte: a
/// libtorch Bool tensor can hold any byte, e.g. after `view_dtype`). A tensor on another
/// device gives [`Error::NotOnHost`]: copy it to the CPU first.
///
/// # Safety
///
/// While the view lives, nothing may write to the tensor's storage: no in-place libtorch op
/// on this handle or on any tensor that shares the storage (a `shallow_clone`, which can
/// move to another thread, a libtorch view, a Burn tensor holding it), on any thread. Burn's
/// handles count for this too: burn-tch's `scatter_nd` (0.21.0 and 0.22.1) writes in place
/// even into storage other tensors share (`t.clone().scatter_nd(..)` changes `t`'s memory),
/// and burn-tch 0.21.0's `swap_dims`/`permute` results write in place into their parent's.
/// The view borrows the tensor handle, which keeps the memory alive.
///
/// ```no_run
/// let t = tch::Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]).view([2, 2]).tr();
/// // SAFETY: `t` is the only handle on this storage, and nothing writes while `v` lives.
/// let v = unsafe { burn_nd::backend::tch::cpu_view::<f32>(&t)? };
/// assert_eq!(v.strides(), &[1, 2]);
/// assert_eq!(v[[0, 1]], 3.0);
/// assert!(unsafe { burn_nd::backend::tch::cpu_view::<f64>(&t) }.is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub unsafe fn cpu_view<A: NdElement>(tensor: &tch::Tensor) -> Result<ArrayViewD<'_, A>, Error> {
    checked_view(tensor)
}

/// The view [`cpu_view`] gives, after its checks; the caller answers for writers (below, a
/// read while the caller holds the tensor's handle).
fn checked_view<A: NdElement>(tensor: &tch::Tensor) -> Result<ArrayViewD<'_, A>, Error> {
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
    let memory = CpuMemory::of(tensor);
    // libtorch's own allocations are aligned; a `from_blob` tensor may not be.
    if let Some(data) = memory.data {
        if !(data as usize).is_multiple_of(std::mem::align_of::<A>()) {
            return Err(Error::backend(std::io::Error::other(format!(
                "libtorch tensor memory at {data:p} is not aligned for {}",
                A::DTYPE
            ))));
        }
    }
    if A::DTYPE == NdDType::Bool {
        // SAFETY: the tensor is on the CPU and stores bytes; any byte is a valid `u8`.
        check_bool_bytes("libtorch", &unsafe { memory.view::<u8>(tensor) })?;
    }
    // SAFETY: the tensor is on the CPU, its kind stores `A`s (or bytes, read as u8), its memory
    // is aligned for `A`; a Bool tensor's bytes were just checked to be 0 or 1, the only
    // valid `bool`s.
    Ok(unsafe { memory.view(tensor) })
}

/// The view of a tensor that [`cpu_view`] accepted as `A`s before, without its checks again
/// (a Bool tensor's byte scan is a pass over the memory).
///
/// # Safety
///
/// `cpu_view::<A>(tensor)` returned `Ok` for this tensor, and nothing has written its storage
/// since, nor will while the view lives.
#[cfg(feature = "tch-0-22")]
pub(crate) unsafe fn checked_once_view<A>(tensor: &tch::Tensor) -> ArrayViewD<'_, A> {
    // SAFETY: the checks `cpu_view` made (CPU, a kind that stores `A`s, aligned, bool bytes 0
    // or 1) still hold, by the caller's contract: `CpuMemory::view`'s requirements.
    unsafe { CpuMemory::of(tensor).view(tensor) }
}

/// A CPU tensor's shape, strides and data address, each asked of libtorch once (every ask is a
/// call into C++, a visible share of a small read).
struct CpuMemory {
    size: Vec<usize>,
    stride: Vec<usize>,
    /// The first element; `None` for an empty tensor, whose memory is never read.
    data: Option<*const u8>,
}

impl CpuMemory {
    fn of(tensor: &tch::Tensor) -> CpuMemory {
        let dims = |v: Vec<i64>| v.into_iter().map(|d| d as usize).collect::<Vec<_>>();
        let size = dims(tensor.size());
        let data = (!size.contains(&0)).then(|| tensor.data_ptr() as *const u8);
        CpuMemory {
            size,
            stride: dims(tensor.stride()),
            data,
        }
    }

    /// The memory as a view of `A`s, borrowing `_tensor` (whose handle keeps it alive).
    ///
    /// # Safety
    ///
    /// `self` was read from `tensor`, which lives on the CPU, and its elements are valid `A`s
    /// of `A`'s size, at an address aligned for `A`.
    unsafe fn view<'a, A>(&self, _tensor: &'a tch::Tensor) -> ArrayViewD<'a, A> {
        let shape = IxDyn(&self.size).strides(IxDyn(&self.stride));
        // No element of an empty tensor is reachable; a dangling, aligned pointer is what
        // ndarray asks for then.
        let ptr = self
            .data
            .map_or(std::ptr::NonNull::<A>::dangling().as_ptr(), |data| {
                data.cast::<A>().cast_mut()
            });
        // SAFETY: by the caller's contract `ptr` points at initialised, aligned `A`s on the
        // host (or is dangling for an empty tensor, where nothing is read). libtorch's shape
        // and strides (never negative) reach only offsets inside the tensor's storage, which
        // the borrowed handle keeps alive for the view's lifetime.
        unsafe { ArrayViewD::from_shape_ptr(shape, ptr.cast_const()) }
    }
}

/// A libtorch tensor, read in place on the CPU: its kind's element type, with libtorch's own
/// shape and strides.
///
/// **Memory contract.** burn-tch writes in place only into storage no other handle shares
/// (its `can_mut` check), except its `scatter_nd` (0.21.0 and 0.22.1, `ops/base.rs`), which
/// writes into storage other handles share, and on 0.21.0 the results of `swap_dims` /
/// `permute`, which count themselves unshared. A read here holds a handle on the tensor for
/// its whole length (one copy or cast pass), so those writes would race with it exactly as
/// they race with Burn's own read of the same tensor (README, known issues); views that
/// outlive a read are `unsafe` ([`cpu_view`]) or read a copy only they hold.
impl HostStorage for tch::Tensor {
    /// Never: Burn's read of a libtorch tensor always copies.
    fn handed_over(&self) -> bool {
        false
    }

    /// `None` off the CPU (Burn's own read copies the tensor to the host) and for a kind Burn
    /// does not use.
    fn with_view<F: ViewFn>(&self, f: F) -> Option<Result<F::Out, Error>> {
        if self.device() != tch::Device::Cpu {
            return None;
        }
        let stored = stored_dtype(self.f_kind().ok()?)?;
        Some(for_nd_dtype!(stored, S => checked_view::<S>(self).map(|view| f.call(&view))))
    }
}

/// Burn 0.21's tensor kinds over burn-tch's one primitive type, which burn-nd-tch's views are
/// built on (feature `tch-0-21`).
#[cfg(feature = "tch-0-21")]
mod kind_0_21 {
    use burn021::tensor::{Bool, Float, Int, TensorMetadata, TensorPrimitive};
    use burn_tch::{LibTorch, TchElement, TchTensor};

    use crate::Error;

    mod sealed {
        pub trait Kind {}
    }

    /// How each tensor kind wraps burn-tch's one primitive type.
    pub trait TchKind<F: TchElement>:
        burn021::tensor::BasicOps<LibTorch<F>> + sealed::Kind
    {
        /// The primitive's libtorch tensor.
        #[doc(hidden)]
        fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error>;
        /// Wraps a libtorch tensor as this kind's primitive.
        #[doc(hidden)]
        fn wrap(tensor: TchTensor) -> Self::Primitive;
    }

    impl sealed::Kind for Float {}
    impl sealed::Kind for Int {}
    impl sealed::Kind for Bool {}

    impl<F: TchElement> TchKind<F> for Float {
        fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error> {
            match primitive {
                TensorPrimitive::Float(t) => Ok(t),
                TensorPrimitive::QFloat(q) => Err(Error::quantized(&q.dtype())),
            }
        }
        fn wrap(tensor: TchTensor) -> Self::Primitive {
            TensorPrimitive::Float(tensor)
        }
    }

    /// Int tensors use the libtorch tensor as it is.
    impl<F: TchElement> TchKind<F> for Int {
        fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error> {
            Ok(primitive)
        }
        fn wrap(tensor: TchTensor) -> Self::Primitive {
            tensor
        }
    }

    /// Bool tensors use the libtorch tensor as it is.
    impl<F: TchElement> TchKind<F> for Bool {
        fn unwrap(primitive: Self::Primitive) -> Result<TchTensor, Error> {
            Ok(primitive)
        }
        fn wrap(tensor: TchTensor) -> Self::Primitive {
            tensor
        }
    }
}
#[cfg(feature = "tch-0-21")]
pub use kind_0_21::TchKind;
