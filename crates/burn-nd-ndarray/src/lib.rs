//! Zero-copy conversions between burn-ndarray tensors and `ndarray` arrays, the way PyTorch's
//! `.numpy()` and `torch.from_numpy` share storage, on both Burn lines: `Tensor<NdArray, D, K>`
//! on Burn 0.21 (feature `burn-0-21`) and `Tensor<D, K>` on `Device::ndarray()` on Burn 0.22
//! (feature `burn-0-22`, the default; burn-ndarray is deprecated there in favour of
//! burn-flex, whose zero-copy paths are burn-nd's own `into_ndarray` and `AsNdarrayView`).
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
//! casting conversion (one copy). On Burn 0.22 a tensor on another device is
//! [`Error::NotOnBackend`].
//!
//! `Autodiff` tensors share their values' buffer the same way: no graph goes with the array
//! (it holds what `detach()` would give), and a tensor made from an array is a leaf that does
//! not require gradients.
//!
//! ```
//! # #![allow(deprecated)] // burn-ndarray is deprecated in Burn 0.22
//! use burn::tensor::{Device, Tensor};
//! use burn_nd_ndarray::ShareNdarray;
//! use ndarray::array;
//!
//! let t = Tensor::<2>::from_array(array![[1.0f32, 2.0], [3.0, 4.0]])?; // on Device::ndarray()
//! let shared = t.to_arcarray::<f32>()?;          // no copy: same buffer as `t`
//! assert_eq!(shared[[1, 0]], 3.0);
//! let back = Tensor::<2>::from_arcarray(shared.reversed_axes())?; // no copy either
//! assert_eq!(back.device(), Device::ndarray());
//! assert_eq!(back.into_data().into_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! The same on Burn 0.21:
//!
//! ```
//! # use burn021 as burn;
//! use burn::tensor::Tensor;
//! use burn_nd_ndarray::ShareNdarray;
//! use burn_ndarray::NdArray;
//! use ndarray::array;
//!
//! let t = Tensor::<NdArray, 2>::from_array(array![[1.0f32, 2.0], [3.0, 4.0]])?;
//! let shared = t.to_arcarray::<f32>()?;
//! let back = Tensor::<NdArray, 2>::from_arcarray(shared.reversed_axes())?;
//! assert_eq!(back.into_data().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 2.0, 4.0]);
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! Limits: a tensor built from non-native bytes (Burn's "borrowed" storage, e.g. loaded
//! records) is copied once on the way out; f16/bf16 do not exist on this backend.
#![deny(missing_docs)]

#[cfg(not(any(feature = "burn-0-21", feature = "burn-0-22")))]
compile_error!(
    "burn-nd-ndarray needs a Burn line: enable feature `burn-0-22` (the default, Burn 0.22.1) \
     or `burn-0-21` (Burn 0.21.0), or both"
);

use burn_nd::Error;
use ndarray::{ArcArray, Array, Dimension, IxDyn};

pub use burn_nd;
pub use burn_nd::backend::ndarray::NativeElement;
#[cfg(feature = "burn-0-21")]
pub use burn_nd::backend::ndarray::NdArrayKind;

#[cfg(feature = "burn-0-21")]
mod line_0_21;
#[cfg(feature = "burn-0-22")]
mod line_0_22;

mod sealed {
    pub trait Sealed {}
}

/// Zero-copy conversions of burn-ndarray tensors (Float, Int or Bool, plain or `Autodiff`) to
/// and from `ndarray`: `Tensor<NdArray, D, K>` and `Tensor<Autodiff<NdArray>, D, K>` on Burn
/// 0.21, `Tensor<D, K>` on `Device::ndarray()` and its `.autodiff()` on Burn 0.22.
///
/// ```
/// # #![allow(deprecated)]
/// use burn::tensor::{Int, Tensor};
/// use burn_nd_ndarray::ShareNdarray;
///
/// let t = Tensor::<1, Int>::from_array(ndarray::arr1(&[1i64, 2, 3]))?;
/// let mut a = t.to_arcarray::<i64>()?;
/// a[0] = 10;                       // copy-on-write: the tensor keeps its values
/// assert_eq!(t.into_data().into_vec::<i64>().unwrap(), vec![1, 2, 3]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait ShareNdarray: Sized + Clone + sealed::Sealed {
    /// Consumes the tensor into an `ArcArray` sharing its buffer. O(1) whatever the size (one
    /// copy for a tensor burn-ndarray holds on borrowed bytes, as
    /// `FromNdarray::from_shared_bytes` or burn-nd-numpy's zero-copy `from_numpy` make:
    /// burn-ndarray copies those before handing them out); the
    /// array keeps the tensor's strides (a transposed tensor gives a transposed array).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd_ndarray::ShareNdarray;
    ///
    /// let t = Tensor::<2>::zeros([2, 3], &Device::ndarray());
    /// let a = t.transpose().into_arcarray::<f32>()?;
    /// assert_eq!(a.shape(), &[3, 2]);
    /// assert!(a.is_unique()); // the tensor is gone; the array owns the buffer alone
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error>;

    /// An `ArcArray` sharing the tensor's buffer, leaving the tensor usable. O(1).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd_ndarray::ShareNdarray;
    ///
    /// let t = Tensor::<1>::from_floats([1.0, 2.0], &Device::ndarray());
    /// assert!(t.to_arcarray::<f64>().is_err()); // stored as f32: no silent cast
    /// assert_eq!(t.to_arcarray::<f32>()?.sum(), 3.0);
    /// // A tensor on another device is an error, not a copy.
    /// assert!(Tensor::<1>::ones([2], &Device::flex()).to_arcarray::<f32>().is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn to_arcarray<E: NativeElement>(&self) -> Result<ArcArray<E, IxDyn>, Error> {
        // Cloning a burn-ndarray tensor clones its Arc, not its data.
        self.clone().into_arcarray()
    }

    /// A tensor over the array's buffer. O(1), any strides; the rank must be the tensor's and
    /// `E` must suit the kind (floats for Float, integers for Int, bool for Bool). On Burn 0.22
    /// the tensor is on `Device::ndarray()`; `.autodiff()` makes it an `Autodiff` leaf.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use burn::tensor::Tensor;
    /// use burn_nd_ndarray::ShareNdarray;
    /// use ndarray::{s, Array2};
    ///
    /// let a = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f32).into_shared();
    /// let stepped = a.clone().slice_move(s![..;2, ..;-1]); // shares `a`'s buffer
    /// let t = Tensor::<2>::from_arcarray(stepped)?;
    /// assert_eq!(t.into_data().into_vec::<f32>().unwrap(), vec![3.0, 2.0, 1.0, 0.0, 11.0, 10.0, 9.0, 8.0]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error>;

    /// A tensor taking over an owned array's buffer. O(1).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use burn::tensor::{Bool, Tensor};
    /// use burn_nd_ndarray::ShareNdarray;
    ///
    /// let t = Tensor::<1, Bool>::from_array(ndarray::arr1(&[true, false]))?;
    /// assert_eq!(t.into_data().into_vec::<bool>().unwrap(), vec![true, false]);
    /// assert!(Tensor::<2, Bool>::from_array(ndarray::arr1(&[true])).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_array<E: NativeElement, Dm: Dimension>(array: Array<E, Dm>) -> Result<Self, Error> {
        Self::from_arcarray(array.into_shared())
    }
}
