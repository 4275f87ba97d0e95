//! Tensor → ndarray: the [`ToNdarray`] extension trait, one trait for every Burn line (each
//! line implements it for its own tensor type).

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, DataMut, Dimension, IxDyn};

use crate::array::cast_stored;
use crate::check::check_cast;
use crate::convert::data::{array_from_data, host_buffer_from_data};
use crate::line::{stored, Line};
use crate::{Casting, Error, HostBuffer, NdDType, NdElement, Rank, StaticRank};

/// Implemented by each Burn line for its tensors only.
pub(crate) mod sealed {
    pub trait Sealed {}

    /// Proof that the caller checked the cast and the output's shape: only this crate can make
    /// one, so the hidden methods that skip those checks cannot be called from outside.
    pub struct Checked(pub(crate) ());
}

/// What a line's read of a tensor gives: its values read straight from a CPU backend's memory
/// (one pass over a view, cast on the way), or the data Burn's own read-back gave (another
/// backend, or a buffer that read hands over with no copy).
pub(crate) enum Read<E, Dm: Dimension, Data> {
    /// Read from the backend's memory.
    Direct(Array<E, Dm>),
    /// Burn's read-back, still to convert.
    ReadBack(Data),
}

/// A line's tensor type, as burn-nd reads it: each line implements it once, and the lookup of
/// the backend storage a tensor lives on ("which CPU backend is this?") is its one dispatch.
pub(crate) trait LineTensor: Sized {
    /// The Burn line.
    type Line: Line;

    /// The tensor's values: [`Read::Direct`] from a CPU backend's memory where it has one
    /// (cast with `as` semantics, each value checked when `exact`), else Burn's read-back.
    fn read<E: NdElement, Dm: Dimension>(
        self,
        exact: bool,
    ) -> Result<Read<E, Dm, <Self::Line as Line>::Data>, Error>;

    /// Copies the values straight from a CPU backend's memory into `out` (the tensor's shape)
    /// where it stores `E`s; `false`, writing nothing, elsewhere.
    fn copy_into<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> bool
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension;

    /// The tensor's dtype ([`Error::Quantized`] for a quantized one).
    #[cfg(feature = "dlpack")]
    fn logical_dtype(&self) -> Result<crate::NdDType, Error>;

    /// What a DLPack export of the tensor (of dtype `logical`) holds: its CPU backend's
    /// storage, shared, or the buffer Burn's read hands over ([`crate::dlpack::plan`] decides),
    /// else the tensor back to be copied.
    #[cfg(feature = "dlpack")]
    fn export(self, logical: crate::NdDType) -> Result<crate::dlpack::Export<Self>, Error>;
}

/// The read behind every `to_` / `into_` form on every line: `tensor` as an array of dimension
/// `Dm`, cast under `casting` (checked by the caller).
pub(crate) fn read_array<T: LineTensor, E: NdElement, Dm: Dimension>(
    tensor: T,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    match tensor.read(casting == Casting::Exact)? {
        Read::Direct(array) => Ok(array),
        Read::ReadBack(data) => array_from_data::<T::Line, E, Dm>(data, casting),
    }
}

/// [`ToNdarray::into_host_buffer`] on every line: `tensor`, of dtype `logical`, in host memory.
pub(crate) fn into_host_buffer<T: LineTensor>(
    tensor: T,
    logical: NdDType,
) -> Result<HostBuffer, Error> {
    for_nd_dtype!(logical, E => match tensor.read::<E, IxDyn>(false)? {
        Read::Direct(array) => HostBuffer::from_array(array),
        Read::ReadBack(data) => host_buffer_from_data::<T::Line>(data, logical),
    })
}

/// [`ToNdarray::read_into_with`] on every line, once the cast is checked and no direct copy
/// from a CPU backend's memory applied: the tensor's values into `out` (its shape). A
/// read-back that holds `E`s already (a device tensor read as its own dtype) is copied
/// straight from Burn's buffer into `out`, one pass where a temporary array would cost a
/// second; anything else is read, cast and (under [`Casting::Exact`]) checked into a temporary
/// array first, so an error leaves `out` as it was.
pub(crate) fn read_into<T, E, S, Dm>(
    tensor: T,
    out: &mut ArrayBase<S, Dm>,
    casting: Casting,
) -> Result<(), Error>
where
    T: LineTensor,
    E: NdElement,
    S: DataMut<Elem = E>,
    Dm: Dimension,
{
    let exact = casting == Casting::Exact;
    let data = match tensor.read::<E, IxDyn>(exact)? {
        Read::Direct(values) => {
            out.view_mut().into_dyn().assign(&values);
            return Ok(());
        }
        Read::ReadBack(data) => data,
    };
    let (bytes, shape, dtype) = <T::Line as Line>::into_parts(data);
    <T::Line as Line>::load_host_bytes(&bytes)?;
    let malformed = |e: ndarray::ShapeError| Error::backend(std::io::Error::other(e.to_string()));
    let same_type = dtype == <T::Line as Line>::DType::from(E::DTYPE);
    let elements = shape.iter().product::<usize>();
    if same_type {
        // The same type: nothing to cast or check. Bytes that are no valid `E`s (a bool byte
        // other than 0 or 1), misaligned ones or too many take the path below, which says so.
        if let Ok(values) = bytemuck::checked::try_cast_slice::<u8, E>(&bytes) {
            if values.len() == elements {
                let view = ArrayViewD::from_shape(shape.as_slice(), values).map_err(malformed)?;
                out.view_mut().into_dyn().assign(&view);
                return Ok(());
            }
        }
    }
    // As `data_into_vec`: the bytes as the stored type itself when it is `E` (an `Err` for
    // bytes that are no valid `E`s), else as the element type the line stores `dtype` in.
    let stored = if same_type {
        E::DTYPE
    } else {
        stored::<T::Line>(dtype)?
    };
    let values = cast_stored::<E>(&bytes, stored, &shape, exact)?;
    let values = ArrayD::from_shape_vec(shape, values).map_err(malformed)?;
    out.view_mut().into_dyn().assign(&values);
    Ok(())
}

/// [`ToNdarray`]'s direct copy into `out` on every line: only where no cast is needed, the
/// tensor's logical dtype being `E`.
pub(crate) fn copy_direct<T: LineTensor, E, S, Dm>(
    tensor: &T,
    logical: NdDType,
    out: &mut ArrayBase<S, Dm>,
) -> bool
where
    E: NdElement,
    S: DataMut<Elem = E>,
    Dm: Dimension,
{
    logical == E::DTYPE && tensor.copy_into(out)
}

/// The static `ndarray` dimension type of a rank-`D` tensor (`Ix1` … `Ix6`).
pub(crate) type DimOf<const D: usize> = <Rank<D> as StaticRank>::Dim;

/// Converts any Burn tensor (`Tensor<D, K>` on Burn 0.22, `Tensor<B, D, K>` on 0.21; Float, Int
/// or Bool, any device or backend, `Autodiff` included)
/// into an `ndarray` array: the Rust form of PyTorch's `tensor.detach().cpu().numpy()`.
///
/// - `to_*` borrow the tensor (a cheap handle clone) and leave it usable; `into_*` consume it
///   and copy nothing beyond the backend's own read-back. A unique, contiguous burn-ndarray
///   tensor read as its own dtype hands its buffer over with no copy at all.
/// - The plain forms return the static dimension (`Array2` for a rank-2 tensor, up to rank 6);
///   the `_dyn` forms return `ArrayD` for any rank.
/// - The element type `E` is any [`NdElement`]. The cast goes from the tensor's logical dtype
///   (`tensor.dtype()`) to `E`, whatever the backend stores: a Bool tensor reads as `bool` and
///   an `I32` tensor as `i32` under [`Casting::No`] on every backend.
/// - The plain forms use [`Casting::Safe`]; the `_with` forms take any [`Casting`]. A cast that
///   is not allowed fails before anything is read from the device.
/// - Values come out in logical (row-major) order, whatever the tensor's strides.
/// - Code generic over the tensor kind `K` bounds `K: NdKind` on Burn 0.22, and adds
///   `K::Primitive: 'static` on 0.21 (true of Float, Int and Bool on every backend): it lets the
///   crate recognise a CPU backend's tensors and read them straight from their memory.
///
/// ```
/// use burn_nd::prelude::*;
/// use burn::tensor::{Device, Int, Tensor};
/// use ndarray::{array, Array2, ArrayD};
///
/// let device = Device::flex();
/// let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.5]], &device);
///
/// let a: Array2<f32> = t.to_ndarray()?;                  // same dtype
/// assert_eq!(a, array![[1.0, 2.0], [3.0, 4.5]]);
/// let wide: Array2<f64> = t.to_ndarray()?;               // safe widening
/// assert_eq!(wide[[1, 1]], 4.5);
/// let ints: Array2<i64> = t.to_ndarray_with(Casting::Unsafe)?; // `as` semantics
/// assert_eq!(ints, array![[1, 2], [3, 4]]);
/// assert!(t.to_ndarray_with::<i64>(Casting::Exact).is_err()); // 4.5 is not an integer
///
/// let d: ArrayD<f32> = t.transpose().into_ndarray_dyn()?;
/// assert_eq!(d.shape(), &[2, 2]);
/// assert_eq!(d[[0, 1]], 3.0);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait ToNdarray<const D: usize>: sealed::Sealed + Sized + Clone {
    /// The dtype of the values the tensor holds, as an array would hold them: Burn's bool
    /// stores are [`NdDType::Bool`](crate::NdDType::Bool) and `Flex32` is `F32`
    /// ([`Error::Quantized`] for a quantized tensor). The dtype to read a tensor as with
    /// [`Casting::No`], and to pick an element type for at run time.
    ///
    /// ```
    /// use burn::tensor::{Bool, Device, Tensor};
    /// use burn_nd::{NdDType, ToNdarray};
    ///
    /// let t = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
    /// assert_eq!(t.nd_dtype()?, NdDType::Bool);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn nd_dtype(&self) -> Result<crate::NdDType, Error>;

    /// The tensor's shape, as an array of it has it.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::ToNdarray;
    ///
    /// let t = Tensor::<2>::zeros([2, 3], &Device::flex());
    /// assert_eq!(t.nd_shape(), vec![2, 3]);
    /// ```
    fn nd_shape(&self) -> Vec<usize>;

    /// The tensor's device, as Burn's `Debug` prints it: for messages and Python's
    /// `Tensor.device`.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::ToNdarray;
    ///
    /// let t = Tensor::<1>::zeros([2], &Device::flex());
    /// assert!(t.nd_device().contains("Flex"), "{}", t.nd_device());
    /// ```
    fn nd_device(&self) -> String;

    /// The one read behind every `to_` / `into_` form: the tensor as an array of dimension
    /// `Dm`, cast under `casting`, which is checked first, before anything is read.
    #[doc(hidden)]
    fn read_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
    ) -> Result<Array<E, Dm>, Error> {
        check_cast(self.nd_dtype()?, E::DTYPE, casting)?;
        self.read_checked_array(casting, sealed::Checked(()))
    }

    /// [`read_array`](Self::read_array) once the caller has checked the cast: what each Burn
    /// line implements.
    #[doc(hidden)]
    fn read_checked_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
        checked: sealed::Checked,
    ) -> Result<Array<E, Dm>, Error>;

    /// Copies the tensor's values straight from its memory into `out` (its shape, checked by
    /// the caller) where the line can and no cast is needed; `false`, writing nothing,
    /// elsewhere.
    #[doc(hidden)]
    fn copy_direct<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<bool, Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension;

    /// Writes the tensor's values into `out` (its shape) once the caller has checked the cast
    /// and no direct copy applied: what each Burn line implements for `read_into_with`.
    #[doc(hidden)]
    fn read_into_checked<E, S, Dm>(
        &self,
        out: &mut ArrayBase<S, Dm>,
        casting: Casting,
        checked: sealed::Checked,
    ) -> Result<(), Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension;

    /// Consumes the tensor into its values in host memory, in its own dtype, row-major: the
    /// backend's own buffer, no copy, when Burn hands a unique contiguous CPU tensor's buffer
    /// over (burn-flex, burn-ndarray; whatever that buffer's alignment, which an `ndarray`
    /// `Vec` could not take over), else burn-nd's one read. For handing a tensor to C or
    /// Python (burn-nd-numpy's `into_numpy` gives NumPy this buffer).
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::{NdDType, ToNdarray};
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// let buffer = (t + 1.0).into_host_buffer()?;
    /// assert_eq!((buffer.dtype(), buffer.shape()), (NdDType::F32, &[2usize][..]));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_host_buffer(self) -> Result<crate::HostBuffer, Error>;

    /// Consumes the tensor into an `ArrayD<E>`, casting under `casting`.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Bool, Device, Tensor};
    ///
    /// let t = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
    /// let a = t.into_ndarray_dyn_with::<u8>(Casting::Safe)?;
    /// assert_eq!(a.as_slice(), Some(&[1u8, 0][..]));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_dyn_with<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        self.read_array(casting)
    }

    /// Copies the tensor into an `ArrayD<E>`, casting under `casting`.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Int, Tensor};
    ///
    /// let t = Tensor::<1, Int>::from_ints([300, -1], &Device::flex());
    /// let a = t.to_ndarray_dyn_with::<u8>(Casting::Unsafe)?; // wraps like `as`
    /// assert_eq!(a.as_slice(), Some(&[44u8, 255][..]));
    /// assert!(t.to_ndarray_dyn_with::<u8>(Casting::SameKind).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_ndarray_dyn_with<E: NdElement>(&self, casting: Casting) -> Result<ArrayD<E>, Error> {
        // A clone is one reference count.
        self.clone().read_array(casting)
    }

    /// Writes the tensor's values into `out`, an array the caller owns and reuses (NumPy's
    /// `np.copyto(out, a)`, PyTorch's `out=`), cast under [`Casting::Safe`]. See
    /// [`read_into_with`](Self::read_into_with).
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    /// use ndarray::Array2;
    ///
    /// let device = Device::flex();
    /// let mut out = Array2::<f32>::zeros((2, 2));
    /// for step in 0..3 {
    ///     let t = Tensor::<2>::full([2, 2], step as f32, &device);
    ///     t.read_into(&mut out)?; // no new allocation for the result
    ///     assert_eq!(out[[1, 1]], step as f32);
    /// }
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn read_into<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<(), Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        self.read_into_with(out, Casting::Safe)
    }

    /// Writes the tensor's values, cast under `casting`, into `out`: an `Array`, an
    /// `ArrayViewMut`, a slice of a bigger array, in C order, Fortran order or strided. Its
    /// shape must be the tensor's.
    ///
    /// On any error `out` is untouched: a shape mismatch ([`Error::Shape`], naming both
    /// shapes) and a cast `casting` forbids ([`Error::Casting`], naming both dtypes) are found
    /// before anything is read; under [`Casting::Exact`] every value is cast and checked in a
    /// temporary array before any is written, so an inexact value ([`Error::Inexact`]) leaves
    /// `out` as it was. A same-dtype read of a burn-flex, burn-ndarray or CPU libtorch tensor
    /// (either line), plain or `Autodiff`, is one copy straight from the tensor's memory into
    /// `out`, and one of another device's read-back is one copy straight from Burn's read-back
    /// buffer; a read that casts goes through one temporary array.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    /// use ndarray::{s, Array2, ShapeBuilder};
    ///
    /// let t = Tensor::<2>::from_floats([[1.0, 2.5], [3.0, 4.0]], &Device::flex());
    /// // Every other column of a bigger, Fortran-order array.
    /// let mut big = Array2::<f64>::zeros((2, 4).f());
    /// t.read_into_with(&mut big.slice_mut(s![.., ..;2]), Casting::Safe)?;
    /// assert_eq!(big.column(2).to_vec(), vec![2.5, 4.0]);
    ///
    /// let mut ints = Array2::<i32>::from_elem((2, 2), 7);
    /// assert!(t.read_into_with(&mut ints, Casting::Exact).is_err()); // 2.5 is no int32
    /// assert!(ints.iter().all(|&x| x == 7)); // untouched
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn read_into_with<E, S, Dm>(
        &self,
        out: &mut ArrayBase<S, Dm>,
        casting: Casting,
    ) -> Result<(), Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        let shape = self.nd_shape();
        if out.shape() != shape.as_slice() {
            return Err(Error::Shape {
                expected: shape,
                found: out.shape().to_vec(),
            });
        }
        check_cast(self.nd_dtype()?, E::DTYPE, casting)?;
        if self.copy_direct(out)? {
            return Ok(());
        }
        self.read_into_checked(out, casting, sealed::Checked(()))
    }

    /// Consumes the tensor into an `ArrayD<E>` under [`Casting::Safe`].
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    ///
    /// let t = Tensor::<3>::zeros([1, 2, 3], &Device::flex());
    /// assert_eq!(t.into_ndarray_dyn::<f32>()?.shape(), &[1, 2, 3]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_dyn<E: NdElement>(self) -> Result<ArrayD<E>, Error> {
        self.into_ndarray_dyn_with(Casting::Safe)
    }

    /// Copies the tensor into an `ArrayD<E>` under [`Casting::Safe`].
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    ///
    /// let t = Tensor::<8>::ones([1, 1, 1, 1, 1, 1, 1, 2], &Device::flex());
    /// assert_eq!(t.to_ndarray_dyn::<f64>()?.ndim(), 8);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_ndarray_dyn<E: NdElement>(&self) -> Result<ArrayD<E>, Error> {
        self.to_ndarray_dyn_with(Casting::Safe)
    }

    /// Consumes the tensor into an array of static dimension, casting under `casting`.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    /// use ndarray::Array1;
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::flex());
    /// let a: Array1<u8> = t.into_ndarray_with(Casting::Exact)?;
    /// assert_eq!(a.to_vec(), vec![1, 2]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_with<E: NdElement>(self, casting: Casting) -> Result<Array<E, DimOf<D>>, Error>
    where
        Rank<D>: StaticRank,
    {
        self.read_array(casting)
    }

    /// Copies the tensor into an array of static dimension, casting under `casting`.
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::half::f16;
    /// use ndarray::Array2;
    ///
    /// let t = Tensor::<2>::from_floats([[0.1, 65536.0]], &Device::flex());
    /// let a: Array2<f16> = t.to_ndarray_with(Casting::SameKind)?;
    /// assert_eq!(a[[0, 1]], f16::INFINITY);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_ndarray_with<E: NdElement>(&self, casting: Casting) -> Result<Array<E, DimOf<D>>, Error>
    where
        Rank<D>: StaticRank,
    {
        self.clone().read_array(casting)
    }

    /// Consumes the tensor into an array of static dimension under [`Casting::Safe`].
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Int, Tensor};
    /// use ndarray::Array2;
    ///
    /// let t = Tensor::<2, Int>::from_ints([[1, 2], [3, 4]], &Device::flex());
    /// let a: Array2<i64> = t.into_ndarray()?;
    /// assert_eq!(a.sum(), 10);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray<E: NdElement>(self) -> Result<Array<E, DimOf<D>>, Error>
    where
        Rank<D>: StaticRank,
    {
        self.into_ndarray_with(Casting::Safe)
    }

    /// Copies the tensor into an array of static dimension under [`Casting::Safe`].
    ///
    /// ```
    /// use burn_nd::prelude::*;
    /// use burn::tensor::{Device, Tensor};
    /// use ndarray::Array1;
    ///
    /// let t = Tensor::<1>::from_floats([1.5, 2.5], &Device::flex());
    /// let a: Array1<f32> = t.to_ndarray()?;
    /// assert_eq!(a.mean(), Some(2.0));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_ndarray<E: NdElement>(&self) -> Result<Array<E, DimOf<D>>, Error>
    where
        Rank<D>: StaticRank,
    {
        self.to_ndarray_with(Casting::Safe)
    }
}
