//! [`HostBuffer`]: a tensor's values in host memory, in whatever buffer the read gave, for
//! handing to another library without a copy.

use std::any::Any;
use std::ptr::NonNull;

use ndarray::ArrayD;

use crate::array::logical_values;
use crate::{Error, NdDType, NdElement};

/// A tensor's values in host memory, row-major (C order), in its own dtype, owned by whatever
/// buffer the read produced: the backend's own allocation when Burn hands a unique,
/// contiguous CPU tensor's buffer over (whatever its alignment), else the one copy
/// burn-nd's read makes. Made by [`ToNdarray::into_host_buffer`](crate::ToNdarray::into_host_buffer).
///
/// The bytes stay at one address for the buffer's whole life, wherever the `HostBuffer` value
/// moves, and nothing else reaches them: a pointer taken from
/// [`as_bytes_mut`](Self::as_bytes_mut) stays valid, for reads and writes, until the buffer
/// is dropped. That is what a hand-over to C or Python needs (burn-nd-numpy gives NumPy this
/// memory, owned by a capsule). A Bool buffer holds one byte per element, as the backend
/// stored it (0 or 1 from Burn's operations); it is never shown as `bool` here.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_nd::{NdDType, ToNdarray};
///
/// let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &Device::flex());
/// let mut buffer = (t * 2.0).into_host_buffer()?;
/// assert_eq!((buffer.dtype(), buffer.shape()), (NdDType::F32, &[2usize, 2][..]));
/// assert_eq!(buffer.as_bytes().len(), 16);
/// let first = f32::from_ne_bytes(buffer.as_bytes_mut()[..4].try_into().unwrap());
/// assert_eq!(first, 2.0);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub struct HostBuffer {
    /// The first byte, inside `_owner`'s heap memory (dangling and aligned when `len` is 0).
    ptr: NonNull<u8>,
    len: usize,
    shape: Vec<usize>,
    dtype: NdDType,
    /// What owns the memory: a `Vec` of the elements or a Burn line's `Bytes`, both of which
    /// keep their bytes on the heap, so moving the owner moves no byte.
    _owner: Box<dyn Any + Send>,
}

// SAFETY: the buffer owns its memory exclusively (`ptr` is into `_owner`, which is `Send`), and
// `&self` only reads it.
unsafe impl Send for HostBuffer {}
// SAFETY: shared access only reads the bytes, and the owner is never touched through `&self`.
unsafe impl Sync for HostBuffer {}

impl std::fmt::Debug for HostBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostBuffer")
            .field("dtype", &self.dtype)
            .field("shape", &self.shape)
            .field("bytes", &self.len)
            .finish()
    }
}

impl HostBuffer {
    /// A buffer owning `values` (row-major, of `shape`): no copy.
    pub(crate) fn from_vec<E: NdElement>(mut values: Vec<E>, shape: Vec<usize>) -> Self {
        let len = std::mem::size_of_val(values.as_slice());
        let ptr = NonNull::from(values.as_mut_slice()).cast::<u8>();
        HostBuffer {
            ptr,
            len,
            shape,
            dtype: E::DTYPE,
            _owner: Box::new(values),
        }
    }

    /// A buffer owning `array`'s elements in row-major order: its own vector when the array is
    /// in standard layout and fills it (every array burn-nd's reads make), else one copy.
    pub(crate) fn from_array<E: NdElement>(array: ArrayD<E>) -> Result<Self, Error> {
        let shape = array.shape().to_vec();
        if array.is_standard_layout() {
            let len = array.len();
            let (values, offset) = array.into_raw_vec_and_offset();
            if offset.unwrap_or(0) == 0 && values.len() == len {
                return Ok(HostBuffer::from_vec(values, shape));
            }
            let start = offset.unwrap_or(0);
            let values = crate::fast::copy(&values[start..start + len])?;
            return Ok(HostBuffer::from_vec(values, shape));
        }
        let values = logical_values(&array)?.into_owned();
        Ok(HostBuffer::from_vec(values, shape))
    }

    /// A buffer owning `bytes`, `dtype` elements of `shape` in row-major order, without a copy;
    /// `Err(bytes)` back when the length is not that or the memory is misaligned for `dtype`.
    ///
    /// # Safety
    ///
    /// `O` keeps the bytes it dereferences to at one address while it lives, however it moves
    /// (heap memory: a Burn line's `Bytes`), and `deref_mut` gives memory no one else reaches.
    pub(crate) unsafe fn from_heap_bytes<O>(
        mut bytes: O,
        shape: Vec<usize>,
        dtype: NdDType,
    ) -> Result<Self, O>
    where
        O: std::ops::DerefMut<Target = [u8]> + Send + 'static,
    {
        let expected = shape
            .iter()
            .try_fold(dtype.size(), |n, &axis| n.checked_mul(axis));
        let memory: &mut [u8] = &mut bytes;
        // Every element type here is a primitive whose alignment is its size.
        if expected != Some(memory.len()) || memory.as_ptr().align_offset(dtype.size()) != 0 {
            return Err(bytes);
        }
        let len = memory.len();
        let ptr = NonNull::from(memory).cast::<u8>();
        Ok(HostBuffer {
            ptr,
            len,
            shape,
            dtype,
            _owner: Box::new(bytes),
        })
    }

    /// The elements' dtype.
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd::{NdDType, ToNdarray};
    ///
    /// let t = Tensor::<1, Int>::from_ints([1, 2], &Device::flex());
    /// assert_eq!(t.into_host_buffer()?.dtype(), NdDType::I32);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn dtype(&self) -> NdDType {
        self.dtype
    }

    /// The shape; the elements are in row-major order.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::ToNdarray;
    ///
    /// let t = Tensor::<2>::zeros([2, 3], &Device::flex()).transpose();
    /// assert_eq!(t.into_host_buffer()?.shape(), &[3, 2]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The bytes: every element in row-major order, native byte order.
    ///
    /// ```
    /// use burn::tensor::{Bool, Device, Tensor};
    /// use burn_nd::ToNdarray;
    ///
    /// let t = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
    /// assert_eq!(t.into_host_buffer()?.as_bytes(), &[1, 0]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `ptr` and `len` describe initialised memory `_owner` keeps alive and in
        // place; `&self` excludes writes through `as_bytes_mut`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The bytes, writable; their address is the buffer's for its whole life.
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd::ToNdarray;
    ///
    /// let mut buffer = Tensor::<1, Int>::from_ints([1], &Device::flex()).into_host_buffer()?;
    /// buffer.as_bytes_mut().copy_from_slice(&7i32.to_ne_bytes());
    /// assert_eq!(buffer.as_bytes(), &7i32.to_ne_bytes());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_bytes`; `&mut self` makes this the only access, and the memory is
        // the buffer's alone (no other handle reaches it).
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_is_kept_not_copied() {
        let values = vec![1.0f32, 2.0, 3.0];
        let address = values.as_ptr() as usize;
        let mut buffer = HostBuffer::from_vec(values, vec![3]);
        let moved = Box::new(std::mem::replace(
            &mut buffer,
            HostBuffer::from_vec(Vec::<u8>::new(), vec![0]),
        ));
        assert_eq!(moved.as_bytes().as_ptr() as usize, address);
        assert_eq!(moved.as_bytes().len(), 12);
        assert_eq!(buffer.as_bytes(), &[] as &[u8]);
    }

    #[test]
    fn arrays_in_any_layout_come_out_row_major() {
        let a = ndarray::arr2(&[[1i16, 2], [3, 4]]).into_dyn();
        let t = a.t().to_owned();
        for (array, want) in [(a, [1i16, 2, 3, 4]), (t, [1, 3, 2, 4])] {
            let buffer = HostBuffer::from_array(array).unwrap();
            let values: Vec<i16> = buffer
                .as_bytes()
                .chunks_exact(2)
                .map(|b| i16::from_ne_bytes([b[0], b[1]]))
                .collect();
            assert_eq!(values, want);
        }
        let sliced = ndarray::arr1(&[1u8, 2, 3])
            .slice_move(ndarray::s![1..])
            .into_dyn();
        assert_eq!(HostBuffer::from_array(sliced).unwrap().as_bytes(), &[2, 3]);
    }

    #[test]
    fn bytes_of_the_wrong_length_are_given_back() {
        // SAFETY: a `Vec`'s bytes live on the heap and are its own.
        let refused = unsafe { HostBuffer::from_heap_bytes(vec![0u8; 3], vec![2], NdDType::U16) };
        assert_eq!(refused.unwrap_err().len(), 3);
        // SAFETY: as above.
        let kept = unsafe { HostBuffer::from_heap_bytes(vec![1u8, 0], vec![2], NdDType::U8) };
        assert_eq!(kept.unwrap().as_bytes(), &[1, 0]);
    }
}
