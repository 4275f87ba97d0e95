//! Zero-copy conversions between burn-ndarray tensors and `ndarray` arrays, the way PyTorch's
//! `.numpy()` and `torch.from_numpy` share storage.
//!
//! | you want | use | cost |
//! |---|---|---|
//! | a tensor's buffer as an `ArcArray` | [`ShareNdarray::into_arcarray`] / [`ShareNdarray::to_arcarray`] | O(1): the array and the tensor share one buffer |
//! | an `ArcArray` or `Array` as a tensor | [`ShareNdarray::from_arcarray`] / [`ShareNdarray::from_array`] | O(1), any strides |
//!
//! Both sides stay correct when either is modified later: `ArcArray` copies on write when its
//! buffer is shared, and burn-ndarray only mutates a buffer in place when it holds the only
//! reference. The element type must be the one the tensor stores (no casting here); otherwise
//! the result is [`Error::DtypeMismatch`], and [`burn_nd::ToNdarray::to_ndarray_with`] is the
//! casting conversion (one copy).
//!
//! `Autodiff<NdArray>` tensors share their values' buffer the same way: no graph goes with the
//! array (it holds what `detach()` would give), and a tensor made from an array is a leaf that
//! does not require gradients.
//!
//! ```
//! use burn::tensor::Tensor;
//! use burn_nd_ndarray::ShareNdarray;
//! use burn_ndarray::NdArray;
//! use ndarray::array;
//!
//! let t = Tensor::<NdArray, 2>::from_array(array![[1.0f32, 2.0], [3.0, 4.0]])?;
//! let shared = t.to_arcarray::<f32>()?;          // no copy: same buffer as `t`
//! assert_eq!(shared[[1, 0]], 3.0);
//! let back = Tensor::<NdArray, 2>::from_arcarray(shared.reversed_axes())?; // no copy either
//! assert_eq!(back.into_data().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! Limits: a tensor built from non-native bytes (Burn's "borrowed" storage, e.g. loaded
//! records) is copied once on the way out; f16/bf16 do not exist on this backend.
#![deny(missing_docs)]

use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{BasicAutodiffOps, Tensor, TensorKind};
use burn_autodiff::checkpoint::strategy::CheckpointStrategy;
use burn_autodiff::Autodiff;
use burn_nd::backend::{kind_holds, logical_dtype};
use burn_nd::Error;
use burn_ndarray::{FloatNdArrayElement, IntNdArrayElement, NdArray, NdArrayTensor, QuantElement};
use ndarray::{ArcArray, Array, Dimension, IxDyn};

pub use burn_nd;
pub use burn_nd::backend::ndarray::{NativeElement, NdArrayKind};

mod sealed {
    pub trait Sealed {}
}

/// Zero-copy conversions of `Tensor<NdArray, D, K>` and `Tensor<Autodiff<NdArray>, D, K>`
/// (Float, Int or Bool) to and from `ndarray`.
///
/// ```
/// use burn::tensor::{Int, Tensor};
/// use burn_nd_ndarray::ShareNdarray;
/// use burn_ndarray::NdArray;
///
/// let t = Tensor::<NdArray, 1, Int>::from_array(ndarray::arr1(&[1i64, 2, 3]))?;
/// let mut a = t.to_arcarray::<i64>()?;
/// a[0] = 10;                       // copy-on-write: the tensor keeps its values
/// assert_eq!(t.into_data().to_vec::<i64>().unwrap(), vec![1, 2, 3]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait ShareNdarray: Sized + sealed::Sealed {
    /// Consumes the tensor into an `ArcArray` sharing its buffer. O(1) whatever the size; the
    /// array keeps the tensor's strides (a transposed tensor gives a transposed array).
    ///
    /// ```
    /// use burn::tensor::Tensor;
    /// use burn_nd_ndarray::ShareNdarray;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 2>::zeros([2, 3], &Default::default());
    /// let a = t.transpose().into_arcarray::<f32>()?;
    /// assert_eq!(a.shape(), &[3, 2]);
    /// assert!(a.is_unique()); // the tensor is gone; the array owns the buffer alone
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error>;

    /// An `ArcArray` sharing the tensor's buffer, leaving the tensor usable. O(1).
    ///
    /// ```
    /// use burn::tensor::Tensor;
    /// use burn_nd_ndarray::ShareNdarray;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1>::from_floats([1.0, 2.0], &Default::default());
    /// assert!(t.to_arcarray::<f64>().is_err()); // stored as f32: no silent cast
    /// assert_eq!(t.to_arcarray::<f32>()?.sum(), 3.0);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_arcarray<E: NativeElement>(&self) -> Result<ArcArray<E, IxDyn>, Error>;

    /// A tensor over the array's buffer. O(1), any strides; the rank must be the tensor's and
    /// `E` must suit the kind (floats for Float, integers for Int, bool for Bool).
    ///
    /// ```
    /// use burn::tensor::Tensor;
    /// use burn_nd_ndarray::ShareNdarray;
    /// use burn_ndarray::NdArray;
    /// use ndarray::{s, Array2};
    ///
    /// let a = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f32).into_shared();
    /// let stepped = a.clone().slice_move(s![..;2, ..;-1]); // shares `a`'s buffer
    /// let t = Tensor::<NdArray, 2>::from_arcarray(stepped)?;
    /// assert_eq!(t.into_data().to_vec::<f32>().unwrap(), vec![3.0, 2.0, 1.0, 0.0, 11.0, 10.0, 9.0, 8.0]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error>;

    /// A tensor taking over an owned array's buffer. O(1).
    ///
    /// ```
    /// use burn::tensor::{Bool, Tensor};
    /// use burn_nd_ndarray::ShareNdarray;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1, Bool>::from_array(ndarray::arr1(&[true, false]))?;
    /// assert_eq!(t.into_data().to_vec::<bool>().unwrap(), vec![true, false]);
    /// assert!(Tensor::<NdArray, 2, Bool>::from_array(ndarray::arr1(&[true])).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_array<E: NativeElement, Dm: Dimension>(array: Array<E, Dm>) -> Result<Self, Error> {
        Self::from_arcarray(array.into_shared())
    }
}

impl<F, I, Q, const D: usize, K> sealed::Sealed for Tensor<NdArray<F, I, Q>, D, K>
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
    K: NdArrayKind<F, I, Q>,
{
}

impl<F, I, Q, const D: usize, K> ShareNdarray for Tensor<NdArray<F, I, Q>, D, K>
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
    K: NdArrayKind<F, I, Q>,
{
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error> {
        let tensor = K::unwrap(self.into_primitive())?;
        E::take(tensor).or_else(|other| {
            Err(Error::DtypeMismatch {
                stored: logical_dtype(burn::tensor::TensorMetadata::dtype(&other))?,
                requested: E::DTYPE,
            })
        })
    }

    fn to_arcarray<E: NativeElement>(&self) -> Result<ArcArray<E, IxDyn>, Error> {
        // Cloning a burn-ndarray tensor clones its Arc, not its data.
        self.clone().into_arcarray()
    }

    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error> {
        if array.ndim() != D {
            return Err(Error::Rank {
                got: array.ndim(),
                expected: D,
            });
        }
        if !kind_holds(K::name(), E::DTYPE) {
            return Err(Error::Unsupported {
                dtype: E::DTYPE,
                kind: K::name(),
            });
        }
        Ok(Tensor::from_primitive(K::wrap(E::wrap(array.into_dyn()))))
    }
}

impl<B: Backend, C: CheckpointStrategy, const D: usize, K: TensorKind<Autodiff<B, C>>>
    sealed::Sealed for Tensor<Autodiff<B, C>, D, K>
{
}

/// An `Autodiff` tensor shares the buffer of the values it holds (`inner()`, which drops the
/// graph); an array becomes the inner tensor of a new leaf (`from_inner`).
///
/// ```
/// use burn::tensor::Tensor;
/// use burn_autodiff::Autodiff;
/// use burn_nd_ndarray::ShareNdarray;
/// use burn_ndarray::NdArray;
///
/// let x = Tensor::<Autodiff<NdArray>, 1>::from_floats([1.0, 2.0], &Default::default()).require_grad();
/// let y = x.clone() * 3.0;
/// let values = y.to_arcarray::<f32>()?;
/// assert_eq!(values, ndarray::arr1(&[3.0, 6.0]).into_dyn());
/// let back = Tensor::<Autodiff<NdArray>, 1>::from_arcarray(values)?;
/// assert!(!back.is_require_grad());
/// # Ok::<_, burn_nd::Error>(())
/// ```
impl<F, I, Q, C, const D: usize, K> ShareNdarray for Tensor<Autodiff<NdArray<F, I, Q>, C>, D, K>
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    C: CheckpointStrategy,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
    Autodiff<NdArray<F, I, Q>, C>: AutodiffBackend<InnerBackend = NdArray<F, I, Q>>,
    K: NdArrayKind<F, I, Q> + BasicAutodiffOps<Autodiff<NdArray<F, I, Q>, C>, InnerKind = K>,
{
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error> {
        self.inner().into_arcarray()
    }

    fn to_arcarray<E: NativeElement>(&self) -> Result<ArcArray<E, IxDyn>, Error> {
        self.clone().inner().into_arcarray()
    }

    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error> {
        Tensor::<NdArray<F, I, Q>, D, K>::from_arcarray(array).map(Tensor::from_inner)
    }
}
