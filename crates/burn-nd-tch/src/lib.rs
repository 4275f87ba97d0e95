//! burn-tch (libtorch) tensors as borrowed `ndarray` views, and `ndarray` arrays as burn-tch
//! tensors in one copy.
//!
//! Both Burn lines, with burn-nd's features: `burn-0-22` (the default; `Tensor<D, K>` on
//! `Device::libtorch()`) has [`FromNdarrayTch`], and views of libtorch tensors are burn-nd's
//! own `burn_nd::AsNdarrayView` (feature `tch-0-22`, which this one turns on), with the same
//! two forms as here: a safe view of a copy, and an `unsafe` zero-copy one; `burn-0-21`
//! (`Tensor<LibTorch, D, K>`) has `FromNdarrayTch` and this crate's `AsNdarrayView` and
//! `TchView`. On Burn 0.21:
//!
//! | you want | use | cost |
//! |---|---|---|
//! | to read a tensor as an array, safely | `AsNdarrayView::as_ndarray_view` then `TchView::view` | one copy into memory only the view holds |
//! | to read a CPU tensor's own memory | `unsafe` `AsNdarrayView::as_ndarray_view_unchecked` | zero-copy, any strides (no `.contiguous()`) |
//! | an array as a tensor (either line) | [`FromNdarrayTch::from_ndarray_tch`] | one copy (two for negative strides) |
//!
//! `Autodiff<LibTorch>` tensors work the same way: the view is over the values the tensor holds
//! (no graph), and a tensor made from an array is a leaf that does not require gradients.
//!
//! A [`TchView`] borrows the tensor, so it cannot outlive it.
//!
//! **Why the safe view copies.** burn-tch decides whether an operation may write in place by
//! counting the handles on a tensor's memory, and a view holds one. But two of its operations
//! write into memory that other handles still read: `scatter_nd` (0.21.0 and 0.22.1) writes
//! into the tensor's storage whatever the count, so `t.clone().scatter_nd(..)` changes `t`
//! and anything viewing it; and burn-tch 0.21.0's `swap_dims` and `permute` give their
//! result a fresh count although it shares the parent's memory, so the next in-place op on
//! it (`t.clone().transpose() * 2.0`) writes into the parent's. A view cannot know whether
//! such an operation will run, so the safe view reads from a copy that nothing else can
//! reach, and the zero-copy view is `unsafe`, with those rules as its contract.
//!
//! The reverse direction copies. `tch::Tensor::from_blob` could wrap an array's memory, but
//! libtorch would then never free it (tch passes no deleter), and nothing would stop Burn from
//! writing into it in place while the array is still readable; an owned copy is the sound
//! choice. The copy is a single pass straight into libtorch's memory, whatever the strides.
//!
//! ```no_run
//! # #![allow(deprecated)] // burn-tch is deprecated in Burn 0.22
//! use burn::tensor::{Device, Tensor};
//! use burn_nd::AsNdarrayView;
//! use burn_nd_tch::FromNdarrayTch;
//! use ndarray::{array, ShapeBuilder};
//!
//! let device = Device::libtorch();
//! let fortran = ndarray::Array::from_shape_vec((2, 2).f(), vec![1.0f64, 2.0, 3.0, 4.0]).unwrap();
//! let t = Tensor::<2>::from_ndarray_tch(&fortran, &device)?; // one copy, the array's dtype
//! let guard = t.as_ndarray_view::<f64>()?;                    // a copy only the guard holds
//! assert_eq!(guard.view(), fortran.view().into_dyn());
//! // SAFETY: no scatter_nd (nor in-place libtorch op) runs on `t`'s memory while `shared` lives.
//! let shared = unsafe { t.as_ndarray_view_unchecked::<f64>()? }; // libtorch's memory
//! assert!(guard.copied() && !shared.copied());
//! # Ok::<_, burn_nd::Error>(())
//! ```
//!
//! (Examples here are `no_run` because running needs libtorch on the library path; the same
//! code runs in the conformance suite, `tests/tests/burn_0_21/tch.rs` and
//! `tests/tests/burn_0_22/tch.rs`.)
#![deny(missing_docs)]

#[cfg(not(any(feature = "burn-0-21", feature = "burn-0-22")))]
compile_error!(
    "burn-nd-tch needs a Burn line: enable feature `burn-0-22` (the default, Burn 0.22.1) \
     or `burn-0-21` (Burn 0.21.0), or both"
);

use burn_nd::{Error, NdElement};
use ndarray::{ArrayBase, ArrayViewD, Data, Dimension};

pub use burn_nd;
#[cfg(feature = "burn-0-21")]
pub use burn_nd::backend::tch::TchKind;
#[cfg(feature = "burn-0-21")]
pub use line_0_21::{AsNdarrayView, TchView};

#[cfg(feature = "burn-0-21")]
mod line_0_21;
#[cfg(feature = "burn-0-22")]
mod line_0_22;

mod sealed {
    pub trait Sealed {}
    pub trait Element {}
}

/// An element type libtorch stores: f32, f64, f16, bf16, i64, i32, i16, i8, u8, bool.
///
/// ```
/// fn stored<E: burn_nd_tch::TorchElement>() {}
/// stored::<burn_nd::half::bf16>();
/// ```
pub trait TorchElement: NdElement + sealed::Element {
    /// libtorch's kind for this type. (Not tch's `Element::KIND`, which gives bf16 as `Half`.)
    #[doc(hidden)]
    const KIND: tch::Kind;
}

macro_rules! torch_elements {
    ($($t:ty => $kind:ident),*) => {$(
        impl sealed::Element for $t {}
        impl TorchElement for $t {
            const KIND: tch::Kind = tch::Kind::$kind;
        }
    )*};
}
torch_elements!(
    f64 => Double, f32 => Float, burn_nd::half::f16 => Half, burn_nd::half::bf16 => BFloat16,
    i64 => Int64, i32 => Int, i16 => Int16, i8 => Int8, u8 => Uint8, bool => Bool
);

/// `ndarray` arrays into burn-tch tensors with a single copy, on either Burn line.
///
/// ```no_run
/// # #![allow(deprecated)]
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd_tch::FromNdarrayTch;
///
/// let t = Tensor::<1, Int>::from_ndarray_tch(&ndarray::arr1(&[7i64, 8]), &Device::libtorch())?;
/// assert_eq!(t.dtype(), burn::tensor::DType::I64); // the array's dtype, not cast
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait FromNdarrayTch: Sized + sealed::Sealed {
    /// The device type the line's tensors take: `LibTorchDevice` on Burn 0.21, `Device` on
    /// Burn 0.22 (a libtorch device, plain or `.autodiff()`).
    type Device;

    /// A tensor of the array's own element type holding a copy of its values in logical
    /// order. One pass over the data for any non-negative strides; arrays with negative
    /// strides are first made standard (a second copy). The kind must hold `E`
    /// ([`Error::Unsupported`]), and on Burn 0.22 the device must be a libtorch one
    /// ([`Error::NotOnBackend`]) that holds `E`'s dtype.
    ///
    /// ```no_run
    /// # #![allow(deprecated)]
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd_tch::FromNdarrayTch;
    ///
    /// let a = ndarray::arr2(&[[1.0f32, 2.0], [3.0, 4.0]]);
    /// let t = Tensor::<2>::from_ndarray_tch(&a.t(), &Device::libtorch().autodiff())?;
    /// assert!(t.is_autodiff() && !t.is_require_grad()); // a leaf
    /// assert!(Tensor::<2>::from_ndarray_tch(&a, &Device::flex()).is_err()); // not libtorch
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray_tch<E, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &Self::Device,
    ) -> Result<Self, Error>
    where
        E: TorchElement,
        S: Data<Elem = E>,
        Dm: Dimension;
}

/// The array's values, in logical order, in a new libtorch tensor on `device`: one copy into
/// a contiguous CPU tensor (two for negative strides), then libtorch's move to the device (none
/// for the CPU).
fn upload<E, S, Dm>(array: &ArrayBase<S, Dm>, device: tch::Device) -> Result<tch::Tensor, Error>
where
    E: TorchElement,
    S: Data<Elem = E>,
    Dm: Dimension,
{
    let size: Vec<i64> = array.shape().iter().map(|&d| d as i64).collect();
    let host = if array.strides().iter().any(|&s| s < 0) {
        // Gathered by burn-nd, whose buffer is fallible (a broadcast view is huge for free).
        let values = burn_nd::backend::logical_values(array)?;
        let standard =
            ndarray::ArrayViewD::from_shape(array.shape(), &values).map_err(Error::backend)?;
        copy_strided(&standard, &size)?
    } else {
        copy_strided(&array.view().into_dyn(), &size)?
    };
    host.f_to_device(device).map_err(Error::backend)
}

/// Copies `view` (non-negative strides) into a new contiguous CPU tensor in one pass.
fn copy_strided<E: TorchElement>(
    view: &ArrayViewD<'_, E>,
    size: &[i64],
) -> Result<tch::Tensor, Error> {
    let mut out =
        tch::Tensor::f_empty(size, (E::KIND, tch::Device::Cpu)).map_err(Error::backend)?;
    if view.is_empty() {
        return Ok(out);
    }
    let strides: Vec<i64> = view.strides().iter().map(|&s| s as i64).collect();
    // SAFETY: `view` borrows initialised, aligned `E`s, and its (non-negative) strides and
    // shape reach only elements of that borrow. The blob tensor is read once by `copy_` and
    // dropped before this function returns, so libtorch never touches the memory after the
    // borrow ends, and it never frees it (tch's blob tensors have no deleter).
    let blob = unsafe {
        tch::Tensor::f_from_blob(
            view.as_ptr() as *const u8,
            size,
            &strides,
            E::KIND,
            tch::Device::Cpu,
        )
    }
    .map_err(Error::backend)?;
    out.f_copy_(&blob).map_err(Error::backend)?;
    drop(blob);
    Ok(out)
}
