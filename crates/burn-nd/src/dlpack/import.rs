//! DLPack → tensor: [`FromDlpack`], written once over [`FromNdarray`].

use dlpark::ffi::DLDeviceType;
use dlpark::{Managed, ManagedTensorBase};
use ndarray::{ArrayViewD, Axis, Dimension, IxDyn, ShapeBuilder};

use super::dtype::{device_name, nd_dtype};
use crate::array::logical_values;
use crate::fast::vec_for;
use crate::{Casting, DTypeLike, Error, FromNdarray, NdDType, NdElement};

/// Builds any tensor burn-nd builds (both Burn lines, Float, Int or Bool, any backend,
/// `Autodiff` included) from a DLPack tensor on the CPU, versioned or legacy: the Rust side of
/// `torch.from_dlpack`.
///
/// - Every dtype DLPack and Burn share: float64/32/16, bf16 (`kDLBfloat`), every int and uint,
///   bool (`kDLBool`, one byte; a byte other than 0 or 1 reads as `true`, as NumPy reads it).
///   Any strides: negative, zero, stepped; rank 0 is [`Error::RankZero`] as elsewhere.
/// - **Zero-copy:** a compact row-major, aligned tensor taken as its own dtype (not bool)
///   becomes a burn-flex or burn-ndarray tensor on the DLPack memory itself
///   ([`FromNdarray::from_shared_bytes`]); the managed tensor's deleter runs when the last
///   tensor on that memory is dropped (on whatever thread drops it). The tensor never writes
///   that memory, `READ_ONLY` or not: an in-place operation copies first. Other backends upload
///   from it. Anything else is one copy (cast on the way for
///   [`from_dlpack_as`](Self::from_dlpack_as)), and the deleter runs before this returns.
/// - Errors, before anything is built: [`Error::NotOnHost`] naming a device other than the CPU
///   (copy to the host first), [`Error::Dlpack`] for a dtype Burn lacks (complex, float8,
///   vector lanes) or a malformed descriptor, and the errors of
///   [`from_ndarray_as`](FromNdarray::from_ndarray_as).
///
/// The one thing no Rust code can stop, as with `torch.from_numpy`: the producer writing the
/// memory while a tensor shares it (a PyTorch tensor written in place from Python). Do not write
/// the source while the tensor is in use, or import with a copy.
///
/// ```
/// use burn::tensor::{DType, Device, Tensor};
/// use burn_nd::dlpack::{FromDlpack, ToDlpack};
/// use burn_nd::{Casting, ToNdarray};
///
/// let device = Device::flex();
/// let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device);
/// let shared = Tensor::<2>::from_dlpack(t.to_dlpack()?, &device)?; // t's own memory
/// assert_eq!(shared.to_ndarray::<f32>()?, t.to_ndarray::<f32>()?);
/// let wide = Tensor::<2>::from_dlpack_as(t.to_dlpack()?, &device, DType::F64, Casting::Safe)?;
/// assert_eq!(wide.dtype(), DType::F64);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait FromDlpack: FromNdarray {
    /// A tensor of the DLPack tensor's own dtype on `device` (a bool tensor in the device's
    /// bool dtype).
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Int, Tensor};
    /// use burn_nd::dlpack::{FromDlpack, ToDlpack};
    ///
    /// let t = Tensor::<1, Int>::from_ints([1, 2, 3], &Device::flex());
    /// let back = Tensor::<1, Int>::from_dlpack(t.to_dlpack()?, &Device::flex())?;
    /// assert_eq!(back.dtype(), t.dtype());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_dlpack<M: ManagedTensorBase + 'static>(
        dlpack: Managed<M>,
        device: &Self::Device,
    ) -> Result<Self, Error>;

    /// A tensor of `dtype` on `device`, the values cast under `casting`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd::dlpack::{FromDlpack, ToDlpack};
    /// use burn_nd::Casting;
    ///
    /// let t = Tensor::<1>::from_floats([1.5, 2.0], &Device::flex());
    /// let refused = Tensor::<1>::from_dlpack_as(t.to_dlpack()?, &Device::flex(), DType::F16, Casting::Safe);
    /// assert!(refused.is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_dlpack_as<M: ManagedTensorBase + 'static>(
        dlpack: Managed<M>,
        device: &Self::Device,
        dtype: Self::DType,
        casting: Casting,
    ) -> Result<Self, Error>;
}

impl<T: FromNdarray> FromDlpack for T
where
    T::DType: DTypeLike + PartialEq,
{
    fn from_dlpack<M: ManagedTensorBase + 'static>(
        dlpack: Managed<M>,
        device: &T::Device,
    ) -> Result<T, Error> {
        let source = Source::new(&dlpack)?;
        let target = match source.dtype {
            NdDType::Bool => T::bool_dtype(device),
            dtype => T::DType::from(dtype),
        };
        import(dlpack, source, device, target, Casting::No)
    }

    fn from_dlpack_as<M: ManagedTensorBase + 'static>(
        dlpack: Managed<M>,
        device: &T::Device,
        dtype: T::DType,
        casting: Casting,
    ) -> Result<T, Error> {
        let source = Source::new(&dlpack)?;
        import(dlpack, source, device, dtype, casting)
    }
}

/// What a DLPack tensor on the CPU holds, checked: its dtype, shape and strides in elements,
/// and the address of its first element (unread for no elements).
struct Source {
    dtype: NdDType,
    shape: Vec<usize>,
    strides: Vec<isize>,
    first: usize,
}

impl Source {
    fn new<M: ManagedTensorBase + 'static>(dlpack: &Managed<M>) -> Result<Self, Error> {
        let malformed = |e: dlpark::tensor::Error| Error::Dlpack {
            reason: e.to_string(),
        };
        let tensor = dlpack.validate().map_err(malformed)?;
        if tensor.device().device_type != DLDeviceType::CPU {
            return Err(Error::NotOnHost {
                device: device_name(tensor.device()),
            });
        }
        let dtype = nd_dtype(tensor.dtype())?;
        // `validate` checked every dimension is non-negative and their product fits a usize.
        let shape = tensor.shape().iter().map(|&n| n as usize).collect();
        let strides = tensor
            .strides_or_compact()
            .map_err(malformed)?
            .iter()
            .map(|&s| isize::try_from(s))
            .collect::<Result<_, _>>()
            .map_err(|_| Error::Dlpack {
                reason: format!("strides {:?} overflow isize", tensor.strides()),
            })?;
        // SAFETY: only the address is computed (the base pointer plus the byte offset); it is
        // dereferenced only for a tensor with elements, whose producer promised it valid.
        let first = unsafe { tensor.offset_bytes_ptr() }.map_err(malformed)? as usize;
        Ok(Source {
            dtype,
            shape,
            strides,
            first,
        })
    }

    fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Row-major with no gaps (axes of length 1 may have any stride, as PyTorch writes them).
    fn is_row_major(&self) -> bool {
        let mut expected = 1isize;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            if n != 1 && s != expected {
                return false;
            }
            expected = expected.saturating_mul(n as isize);
        }
        true
    }

    /// The elements' memory span: the offsets (in elements, from the first) of the lowest and
    /// highest element the layout reaches; `None` when they overflow.
    fn span(&self) -> Option<(isize, isize)> {
        self.shape
            .iter()
            .zip(&self.strides)
            .try_fold((0isize, 0isize), |(low, high), (&n, &s)| {
                let reach = s.checked_mul(isize::try_from(n).ok()?.checked_sub(1)?)?;
                Some(if reach < 0 {
                    (low.checked_add(reach)?, high)
                } else {
                    (low, high.checked_add(reach)?)
                })
            })
    }
}

/// The memory of a compact DLPack tensor as `bytes::Bytes`, owning the managed tensor: its
/// deleter runs when the last `Bytes` on it is dropped.
struct DlpackMemory<M: ManagedTensorBase> {
    first: *const u8,
    len: usize,
    _dlpack: Managed<M>,
}

// SAFETY: the memory is only read through `first`, and the managed tensor, which keeps it
// alive, is `Send` (dlpark: a DLPack deleter may run on any thread).
unsafe impl<M: ManagedTensorBase> Send for DlpackMemory<M> {}

impl<M: ManagedTensorBase> AsRef<[u8]> for DlpackMemory<M> {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `first` and `len` are the byte-offset start and size of a compact CPU tensor
        // with elements, which its producer keeps valid until the deleter runs, when
        // `_dlpack` is dropped with this value. Burn only reads it (copy-on-write); writes by
        // the producer itself are the caller's contract (`FromDlpack`).
        unsafe { std::slice::from_raw_parts(self.first, self.len) }
    }
}

/// `dlpack` (described by `source`) as a `T` of `target`: the memory kept where it can be,
/// else one copy.
fn import<T, M>(
    dlpack: Managed<M>,
    source: Source,
    device: &T::Device,
    target: T::DType,
    casting: Casting,
) -> Result<T, Error>
where
    T: FromNdarray,
    T::DType: DTypeLike + PartialEq,
    M: ManagedTensorBase + 'static,
{
    let own_dtype = target == T::DType::from(source.dtype)
        || (source.dtype == NdDType::Bool && target.as_nd_dtype() == Some(NdDType::Bool));
    if own_dtype && source.len() > 0 && source.is_row_major() {
        // A slice may span at most `isize::MAX` bytes; dlpark checks the size fits a `usize`.
        let len = (source.len())
            .checked_mul(source.dtype.size())
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| Error::Dlpack {
                reason: format!(
                    "a {:?} tensor of {} elements is more bytes than memory can hold",
                    source.shape,
                    source.len()
                ),
            })?;
        let memory = DlpackMemory {
            first: source.first as *const u8,
            len,
            _dlpack: dlpack,
        };
        let bytes = bytes::Bytes::from_owner(memory);
        return T::from_shared_bytes(bytes, &source.shape, source.dtype, device);
    }
    if source.dtype == NdDType::Bool {
        // Read as bytes: only 0 and 1 are `bool`s, and NumPy reads any other byte as true.
        return with_view::<u8, _>(&source, |bytes| {
            let bytes = logical_values(bytes)?;
            let mut bools = vec_for::<bool>(bytes.len())?;
            bools.extend(bytes.iter().map(|&byte| byte != 0));
            let bools =
                ArrayViewD::from_shape(IxDyn(&source.shape), &bools).map_err(Error::backend)?;
            T::from_ndarray_as(&bools, device, target, casting)
        });
    }
    for_nd_dtype!(source.dtype, E => with_view::<E, _>(&source, |view| {
        T::from_ndarray_as(view, device, target, casting)
    }))
}

/// Calls `body` with a view of the source's elements as `E`s (the dtype's own type, or `u8`
/// for bool), in its own layout: the producer's memory where it is aligned for `E` (only its
/// elements read, never the bytes between them), else its elements copied one by one into
/// aligned memory.
fn with_view<E: NdElement, R>(
    source: &Source,
    body: impl FnOnce(&ArrayViewD<'_, E>) -> Result<R, Error>,
) -> Result<R, Error> {
    if E::DTYPE == NdDType::Bool {
        // Only types every bit pattern is a value of are read from a producer's memory: the
        // caller reads bool memory as `u8`.
        return Err(Error::Dlpack {
            reason: "bool memory is read as bytes, never as bool".to_string(),
        });
    }
    if source.len() == 0 {
        return body(&ArrayViewD::from_shape(IxDyn(&source.shape), &[]).map_err(Error::backend)?);
    }
    let too_big = || Error::Dlpack {
        reason: format!(
            "shape {:?} with strides {:?} reaches beyond the address space",
            source.shape, source.strides
        ),
    };
    let (low, high) = source.span().ok_or_else(too_big)?;
    let count = high
        .checked_sub(low)
        .and_then(|n| n.checked_add(1))
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(too_big)?;
    let size = source.dtype.size();
    let bytes_len = count
        .checked_mul(size)
        .filter(|&n| n <= isize::MAX as usize);
    let start = low
        .checked_mul(size as isize)
        .and_then(|offset| source.first.checked_add_signed(offset));
    // The span's size is only checked: a view must reach at most `isize::MAX` bytes.
    let (Some(_), Some(start)) = (bytes_len, start) else {
        return Err(too_big());
    };
    let lowest = start as *const E;
    if !lowest.is_aligned() {
        // Misaligned: each element read on its own, in logical order, into aligned memory.
        let mut values = vec_for::<E>(source.len())?;
        for index in ndarray::indices(IxDyn(&source.shape)) {
            let element: isize = (index.slice().iter().zip(&source.strides))
                .map(|(&i, &stride)| i as isize * stride)
                .sum();
            // SAFETY: the element at `index` lies in the span checked above (its offset from
            // the first element is between `low` and `high`), which the producer keeps
            // readable; it is read unaligned, and every bit pattern is a value of `E` (bools
            // are read as `u8`).
            values.push(unsafe {
                (source.first as *const u8)
                    .wrapping_offset(element * size as isize)
                    .cast::<E>()
                    .read_unaligned()
            });
        }
        let view = ArrayViewD::from_shape(IxDyn(&source.shape), &values).map_err(Error::backend)?;
        return body(&view);
    }
    // The layout with every stride made positive, from the lowest element; axes whose stride
    // was negative are inverted after, which puts the logical first element back at index 0.
    // An axis of length 1 may have any stride (DLPack allows it, `isize::MIN` included): it is
    // never stepped along, so it gets stride 0 and is not inverted.
    let positive: Vec<usize> = (source.shape.iter().zip(&source.strides))
        .map(|(&n, &s)| if n > 1 { s.unsigned_abs() } else { 0 })
        .collect();
    // SAFETY: `lowest` is non-null (a CPU tensor with elements) and aligned for `E`; the
    // element count fits (dlpark checked elements × size fits a `usize`); every element the
    // shape and strides reach lies in the span checked above, at most `isize::MAX` bytes,
    // which the producer of a CPU DLPack tensor keeps readable for the managed tensor's life
    // (the caller holds it across `body`), and only the elements are read, never the bytes
    // between them (DLPack does not promise those initialised). Nothing writes them meanwhile
    // but the producer itself, the caller's contract (`FromDlpack`).
    let mut view = unsafe {
        ArrayViewD::from_shape_ptr(IxDyn(&source.shape).strides(IxDyn(&positive)), lowest)
    };
    let backwards = (source.shape.iter().zip(&source.strides)).map(|(&n, &s)| n > 1 && s < 0);
    for (axis, _) in backwards.enumerate().filter(|&(_, backwards)| backwards) {
        view.invert_axis(Axis(axis));
    }
    body(&view)
}

#[cfg(test)]
mod tests {
    use std::mem::MaybeUninit;

    use super::*;

    /// A producer's memory of `len` f32 slots in which slot `i` of `written` holds `i`, every
    /// other slot left uninitialised, as DLPack allows the bytes between elements to be (under
    /// Miri, reading one as an `f32` is an error).
    fn memory(len: usize, written: &[usize]) -> Vec<MaybeUninit<f32>> {
        let mut slots = vec![MaybeUninit::uninit(); len];
        for &i in written {
            slots[i].write(i as f32);
        }
        slots
    }

    fn source(first: *const u8, shape: &[usize], strides: &[isize]) -> Source {
        Source {
            dtype: NdDType::F32,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
            first: first as usize,
        }
    }

    /// The values a view of `source` shows, in logical order.
    fn read(source: &Source) -> Result<Vec<f32>, Error> {
        with_view::<f32, _>(source, |view| Ok(view.iter().copied().collect()))
    }

    /// Stepped, negative and length-1 axes: the view reads each element where the layout puts
    /// it, in logical order, and no byte between them.
    #[test]
    fn a_view_reads_only_the_elements_where_the_layout_puts_them() {
        let slots = memory(13, &[0, 2, 4, 8, 10, 12]);
        let base = slots.as_ptr().cast::<u8>();
        let stepped = source(base, &[2, 3], &[8, 2]);
        assert_eq!(read(&stepped).unwrap(), [0.0, 2.0, 4.0, 8.0, 10.0, 12.0]);

        let last = base.wrapping_add(12 * 4);
        let backwards = source(last, &[2, 3], &[-8, -2]);
        assert_eq!(read(&backwards).unwrap(), [12.0, 10.0, 8.0, 4.0, 2.0, 0.0]);

        let mixed = source(base.wrapping_add(8 * 4), &[2, 3], &[-8, 2]);
        assert_eq!(read(&mixed).unwrap(), [8.0, 10.0, 12.0, 0.0, 2.0, 4.0]);

        // An axis of length 1 is never stepped along, whatever its stride says.
        let single = source(base, &[1, 3, 1], &[isize::MIN, 2, isize::MAX]);
        assert_eq!(read(&single).unwrap(), [0.0, 2.0, 4.0]);
    }

    /// Memory misaligned for the dtype is read element by element, still only the elements.
    #[test]
    fn misaligned_memory_is_read_element_by_element() {
        // Words, so one byte past the start is misaligned for f32 wherever the memory lands.
        let mut words = vec![MaybeUninit::<u32>::uninit(); 6];
        let first = words.as_mut_ptr().cast::<u8>().wrapping_add(1);
        for (slot, value) in [(0usize, 1.5f32), (2, 2.5), (4, 3.5)] {
            // SAFETY: slots 0 to 4 of 4 bytes from byte 1 end at byte 21 of the 24.
            unsafe { first.add(slot * 4).cast::<f32>().write_unaligned(value) };
        }
        assert_eq!(read(&source(first, &[3], &[2])).unwrap(), [1.5, 2.5, 3.5]);
        let last = first.wrapping_add(4 * 4);
        assert_eq!(read(&source(last, &[3], &[-2])).unwrap(), [3.5, 2.5, 1.5]);
    }

    /// No elements: nothing is read, whatever the pointer; a layout reaching past the address
    /// space (in elements, in bytes, or below address 0) and a bool view are errors before any
    /// read.
    #[test]
    fn empty_huge_and_bool_layouts_read_nothing() {
        let dangling = std::ptr::NonNull::<f32>::dangling().as_ptr().cast::<u8>();
        assert!(read(&source(dangling, &[0, 3], &[3, 1]))
            .unwrap()
            .is_empty());
        let huge = source(dangling, &[2, 2], &[isize::MAX, 1]);
        assert!(
            matches!(read(&huge), Err(Error::Dlpack { .. })),
            "a span past isize"
        );
        let wide = source(dangling, &[2], &[isize::MAX / 4 + 1]);
        assert!(
            matches!(read(&wide), Err(Error::Dlpack { .. })),
            "over isize::MAX bytes"
        );
        let below = source(8 as *const u8, &[3], &[-4]);
        assert!(
            matches!(read(&below), Err(Error::Dlpack { .. })),
            "below address 0"
        );
        let byte = [1u8];
        let bools = Source {
            dtype: NdDType::Bool,
            ..source(byte.as_ptr(), &[1], &[1])
        };
        let refused = with_view::<bool, _>(&bools, |_| Ok(()));
        assert!(matches!(refused, Err(Error::Dlpack { .. })));
    }
}
