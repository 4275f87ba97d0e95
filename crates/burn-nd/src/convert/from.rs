//! ndarray → Tensor: the [`FromNdarray`] extension trait, one trait for every Burn line (each
//! line implements it for its own tensor type, with its own device and dtype types).

use ndarray::{ArrayBase, ArrayD, Data, Dimension};

use crate::array::logical_values;
use crate::check::{burn_kind, target_dtype};
use crate::convert::data::slice_to_data;
use crate::line::Line;
use crate::{Casting, DTypeLike, Error, NdDType, NdElement, TensorKind};

/// Implemented by each Burn line for its tensors only.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Builds a Burn tensor (`Tensor<D, K>` on Burn 0.22, `Tensor<B, D, K>` on 0.21) from any
/// `ndarray` array: the Rust form of `torch.from_numpy`
/// (which here copies once into backend memory).
///
/// The array may be owned, a view, shared (`ArcArray`) or copy-on-write, in C order, Fortran
/// order, with negative strides or stepped slices: the tensor always receives the values in
/// logical order. Its number of dimensions must be `D`, else [`Error::Rank`].
///
/// ```
/// use burn_nd::prelude::*;
/// use burn::tensor::{Device, Int, Tensor};
/// use ndarray::{array, s};
///
/// let device = Device::flex();
/// let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
///
/// // Fortran-order view, reversed and stepped: values arrive in logical order.
/// let view = a.t();
/// let view = view.slice(s![..;-2, ..]);
/// let t = Tensor::<2>::from_ndarray(&view, &device)?;
/// assert_eq!(t.to_ndarray::<f32>()?, array![[3.0, 6.0], [1.0, 4.0]]);
///
/// // An Int tensor from floats: NaN becomes 0, as with `as`.
/// let t = Tensor::<1, Int>::from_ndarray(&array![f32::NAN, 2.9], &device)?;
/// assert_eq!(t.to_ndarray::<i64>()?, array![0, 2]);
///
/// // The wrong rank is an error, not a panic.
/// assert!(Tensor::<3>::from_ndarray(&a, &device).is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait FromNdarray: sealed::Sealed + Sized {
    /// The device a tensor is made on: `B::Device` on Burn 0.21, `burn::tensor::Device` on 0.22.
    type Device;
    /// The line's Burn `DType`, which also names how a bool tensor is stored.
    type DType: From<crate::NdDType> + Copy;

    /// The dtype a bool tensor gets on `device` (each backend picks its own bool storage).
    #[doc(hidden)]
    fn bool_dtype(device: &Self::Device) -> Self::DType;

    /// Builds a tensor of the backend's default dtype for this kind (device settings, e.g.
    /// f32 / i64 / bool on burn-ndarray), converting values with Rust `as` semantics
    /// ([`Casting::Unsafe`]): NaN and ±inf into an Int tensor become 0 and MIN/MAX, never a
    /// panic.
    ///
    /// The default is the device's, not the array's, as for Burn's own `from_floats`: Burn
    /// keeps it per device for the whole process, fixed by the first tensor made there (so an
    /// `NdArray<f64>` tensor is float32 once an `NdArray<f32>` one exists). To keep the
    /// array's dtype and values exactly, use [`from_ndarray_as`](Self::from_ndarray_as) with
    /// that dtype and [`Casting::No`]. A 0-d array is [`Error::RankZero`]: Burn has no rank-0
    /// tensors.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Bool, Device, Tensor};
    ///
    /// let a = ndarray::arr1(&[0u8, 3]);
    /// let t = Tensor::<1, Bool>::from_ndarray(&a, &Device::flex())?;
    /// assert_eq!(t.to_ndarray::<bool>()?, ndarray::arr1(&[false, true]));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &Self::Device,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension;

    /// Builds a tensor of `dtype`, casting the array's elements under `casting`.
    ///
    /// `dtype` must belong to the tensor's kind (a float dtype for Float, an integer dtype for
    /// Int, `DType::Bool(_)` for Bool) and be supported by the backend on `device`, else
    /// [`Error::Unsupported`].
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{DType, Device, Int, Tensor};
    ///
    /// let device = Device::flex();
    /// let a = ndarray::arr1(&[1i32, -2]);
    /// let t = Tensor::<1, Int>::from_ndarray_as(&a, &device, DType::I32, Casting::No)?;
    /// assert_eq!(t.dtype(), DType::I32);
    /// assert!(Tensor::<1, Int>::from_ndarray_as(&a, &device, DType::U8, Casting::Safe).is_err());
    /// assert!(Tensor::<1>::from_ndarray_as(&a, &device, DType::F16, Casting::Safe).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray_as<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &Self::Device,
        dtype: Self::DType,
        casting: Casting,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension;

    /// Builds a tensor whose data are `bytes`: the elements of a `shape` array in row-major
    /// order, each as `dtype`'s native-endian bytes. The Rust side of a zero-copy
    /// `torch.from_numpy`: `bytes` may own anything (`bytes::Bytes::from_owner`: a memory
    /// map, a NumPy array, a network buffer).
    ///
    /// - burn-flex and burn-ndarray (both Burn lines) keep `bytes` as the tensor's storage, no
    ///   copy; an operation that would write the tensor in place copies them first
    ///   (copy-on-write), so the owner's memory is only ever read. Other backends upload from
    ///   them (one copy, the one an upload needs anyway).
    /// - Bytes not aligned for `dtype` are copied once into an aligned buffer.
    /// - A `Bool` buffer is read, never kept: each byte becomes `byte != 0` in a new buffer,
    ///   since a byte other than 0 or 1 is no valid `bool`.
    /// - Errors, before anything is built: [`Error::Rank`] / [`Error::RankZero`] and
    ///   [`Error::Unsupported`] as for [`from_ndarray_as`](Self::from_ndarray_as), and
    ///   [`Error::ByteLength`] when `bytes` is not exactly the shape's size.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::{FromNdarray, NdDType, ToNdarray};
    ///
    /// let values = [1.5f32, -2.0, 4.0, 8.0];
    /// let bytes = burn_nd::bytes::Bytes::copy_from_slice(bytemuck::cast_slice(&values));
    /// let t = Tensor::<2>::from_shared_bytes(bytes.clone(), &[2, 2], NdDType::F32, &Device::flex())?;
    /// assert_eq!(t.to_ndarray::<f32>()?.into_raw_vec_and_offset().0, values);
    /// assert!(Tensor::<2>::from_shared_bytes(bytes, &[3, 2], NdDType::F32, &Device::flex()).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_shared_bytes(
        bytes: bytes::Bytes,
        shape: &[usize],
        dtype: crate::NdDType,
        device: &Self::Device,
    ) -> Result<Self, Error>;
}

/// [`FromNdarray::from_ndarray_as`] on every line, up to the line's upload: the checks of
/// [`check_target`] for a rank-`rank` tensor of Burn kind `kind` (its `K::name()`), then the
/// array's values cast to `dtype` under `casting`, as the line's data, whose dtype is exactly
/// `dtype` (so Burn converts nothing, except f32 → `Flex32`, a float cast that cannot panic).
pub(crate) fn ndarray_data<L: Line, A, S, Dm>(
    array: &ArrayBase<S, Dm>,
    rank: usize,
    kind: &'static str,
    dtype: L::DType,
    supported: bool,
    casting: Casting,
) -> Result<L::Data, Error>
where
    A: NdElement,
    S: Data<Elem = A>,
    Dm: Dimension,
{
    check_target(array.ndim(), rank, burn_kind(kind)?, dtype, supported)?;
    slice_to_data::<L, A>(logical_values(array)?, array.shape(), dtype, casting)
}

/// What a line's [`FromNdarray::from_shared_bytes`] builds its tensor from.
pub(crate) enum SharedData<Data> {
    /// Data on the bytes themselves (or an aligned copy), of the target dtype: a backend that
    /// keeps host bytes (burn-flex, burn-ndarray) keeps these.
    Data(Data),
    /// A bool buffer, read into `bool` values (`byte != 0`): the line builds the tensor with
    /// `from_ndarray_as(values, target, Casting::No)`.
    Bool(ArrayD<bool>),
}

/// The dtype a `from_shared_bytes` tensor of `dtype` gets: that dtype, and a bool one the
/// device's bool dtype `bool_dtype`.
pub(crate) fn shared_target<L: Line>(dtype: NdDType, bool_dtype: L::DType) -> L::DType {
    match dtype {
        NdDType::Bool => bool_dtype,
        dtype => L::DType::from(dtype),
    }
}

/// [`FromNdarray::from_shared_bytes`] on every line, up to the line's upload: the checks of
/// [`check_target`] (a rank-`rank` tensor of Burn kind `kind` and dtype `target`, from
/// [`shared_target`]) and of the buffer's length, then what to build the tensor from.
pub(crate) fn shared_data<L: Line>(
    bytes: bytes::Bytes,
    shape: &[usize],
    dtype: NdDType,
    rank: usize,
    kind: &'static str,
    target: L::DType,
    supported: bool,
) -> Result<SharedData<L::Data>, Error> {
    check_target(shape.len(), rank, burn_kind(kind)?, target, supported)?;
    let bytes = match shared_bytes(bytes, shape, dtype)? {
        SharedBytes::Bool(values) => return Ok(SharedData::Bool(values)),
        SharedBytes::Keep(bytes) => L::bytes_from_shared(bytes),
        SharedBytes::Aligned(bytes) => L::bytes_from_byte_vec(bytes),
    };
    Ok(SharedData::Data(L::from_bytes(
        bytes,
        shape.to_vec(),
        target,
    )))
}

/// What `from_shared_bytes` does with its buffer, once [`shared_bytes`] checked it.
enum SharedBytes {
    /// Keep the bytes as the tensor's storage: they are aligned for the dtype.
    Keep(bytes::Bytes),
    /// The same bytes copied into a buffer aligned for the dtype.
    Aligned(Vec<u8>),
    /// A bool buffer, read into `bool` values (`byte != 0`).
    Bool(ndarray::ArrayD<bool>),
}

/// Checks that `bytes` is exactly a `shape` array of `dtype` and says how to use it.
fn shared_bytes(
    bytes: bytes::Bytes,
    shape: &[usize],
    dtype: NdDType,
) -> Result<SharedBytes, Error> {
    let expected = shape
        .iter()
        .try_fold(dtype.size(), |n, &axis| n.checked_mul(axis));
    if expected != Some(bytes.len()) {
        return Err(Error::ByteLength {
            expected,
            found: bytes.len(),
        });
    }
    if dtype == crate::NdDType::Bool {
        let mut values: Vec<bool> = crate::fast::vec_for(bytes.len())?;
        values.extend(bytes.iter().map(|&b| b != 0));
        return ndarray::ArrayD::from_shape_vec(shape, values)
            .map(SharedBytes::Bool)
            .map_err(|_| Error::ByteLength {
                expected,
                found: bytes.len(),
            });
    }
    // Every element type here is a primitive whose alignment is its size.
    Ok(if bytes.as_ptr().align_offset(dtype.size()) == 0 {
        SharedBytes::Keep(bytes)
    } else {
        SharedBytes::Aligned(crate::fast::copy(&bytes)?)
    })
}

/// The checks every line's `from_ndarray_as` makes before converting anything: a rank-`rank`
/// tensor (not 0) from an `ndim`-dimensional array, of a plain `dtype` that the tensor `kind`
/// holds and the device supports (`supported`). The target dtype, or the error naming what is
/// wrong. Backend crates run it before their own uploads, so every line and crate refuses the
/// same inputs with the same errors.
///
/// ```
/// use burn_nd::backend::check_target;
/// use burn_nd::{Error, NdDType};
///
/// use burn_nd::TensorKind::{Float, Int};
///
/// assert_eq!(check_target(2, 2, Int, NdDType::U8, true)?, NdDType::U8);
/// assert!(matches!(check_target(1, 2, Int, NdDType::U8, true), Err(Error::Rank { got: 1, expected: 2 })));
/// assert!(matches!(check_target(2, 2, Float, NdDType::I32, true), Err(Error::Unsupported { .. })));
/// assert!(matches!(check_target(0, 0, Float, NdDType::F32, true), Err(Error::RankZero)));
/// # Ok::<_, Error>(())
/// ```
pub fn check_target(
    ndim: usize,
    rank: usize,
    kind: TensorKind,
    dtype: impl DTypeLike,
    supported: bool,
) -> Result<NdDType, Error> {
    if rank == 0 {
        return Err(Error::RankZero);
    }
    if ndim != rank {
        return Err(Error::Rank {
            got: ndim,
            expected: rank,
        });
    }
    let nd = target_dtype(dtype)?;
    if !kind.holds(nd) || !supported {
        return Err(Error::Unsupported {
            dtype: nd,
            kind: kind.name(),
        });
    }
    Ok(nd)
}
