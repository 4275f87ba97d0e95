//! ndarray → Tensor: the [`FromNdarray`] extension trait.

use burn::tensor::backend::Backend;
use burn::tensor::{get_device_settings, BasicOps, DType, Tensor};
use ndarray::{ArrayBase, Data, Dimension};

use crate::backend::kind_holds;
use crate::base::array::logical_values;
use crate::base::dtype::target_dtype;
use crate::burn_0_21::data::slice_to_data;
use crate::{Casting, Error, NdElement};

mod sealed {
    pub trait Sealed {}
}

/// Builds a `Tensor<B, D, K>` from any `ndarray` array: the Rust form of `torch.from_numpy`
/// (which here copies once into backend memory).
///
/// The array may be owned, a view, shared (`ArcArray`) or copy-on-write, in C order, Fortran
/// order, with negative strides or stepped slices: the tensor always receives the values in
/// logical order. Its number of dimensions must be `D`, else [`Error::Rank`].
///
/// ```
/// use burn_nd::prelude::*;
/// use burn::tensor::{Int, Tensor};
/// use burn_ndarray::NdArray;
/// use ndarray::{array, s};
///
/// let device = Default::default();
/// let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
///
/// // Fortran-order view, reversed and stepped: values arrive in logical order.
/// let view = a.t();
/// let view = view.slice(s![..;-2, ..]);
/// let t = Tensor::<NdArray, 2>::from_ndarray(&view, &device)?;
/// assert_eq!(t.to_data().to_vec::<f32>().unwrap(), vec![3.0, 6.0, 1.0, 4.0]);
///
/// // An Int tensor from floats: NaN becomes 0, as with `as`.
/// let t = Tensor::<NdArray, 1, Int>::from_ndarray(&array![f32::NAN, 2.9], &device)?;
/// assert_eq!(t.to_data().to_vec::<i64>().unwrap(), vec![0, 2]);
///
/// // The wrong rank is an error, not a panic.
/// assert!(Tensor::<NdArray, 3>::from_ndarray(&a, &device).is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait FromNdarray<B: Backend>: sealed::Sealed + Sized {
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
    /// use burn::tensor::{Bool, Tensor};
    /// use burn_ndarray::NdArray;
    ///
    /// let a = ndarray::arr1(&[0u8, 3]);
    /// let t = Tensor::<NdArray, 1, Bool>::from_ndarray(&a, &Default::default())?;
    /// assert_eq!(t.to_data().to_vec::<bool>().unwrap(), vec![false, true]);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray<A, S, Dm>(array: &ArrayBase<S, Dm>, device: &B::Device) -> Result<Self, Error>
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
    /// use burn::tensor::{DType, Int, Tensor};
    /// use burn_ndarray::NdArray;
    ///
    /// let device = Default::default();
    /// let a = ndarray::arr1(&[1i32, -2]);
    /// let t = Tensor::<NdArray, 1, Int>::from_ndarray_as(&a, &device, DType::I32, Casting::No)?;
    /// assert_eq!(t.dtype(), DType::I32);
    /// assert!(Tensor::<NdArray, 1, Int>::from_ndarray_as(&a, &device, DType::U8, Casting::Safe).is_err());
    /// assert!(Tensor::<NdArray, 1>::from_ndarray_as(&a, &device, DType::F16, Casting::Safe).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn from_ndarray_as<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &B::Device,
        dtype: DType,
        casting: Casting,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension;
}

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<B: Backend, const D: usize, K: BasicOps<B>> FromNdarray<B> for Tensor<B, D, K> {
    fn from_ndarray<A, S, Dm>(array: &ArrayBase<S, Dm>, device: &B::Device) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        let settings = get_device_settings::<B>(device);
        let dtype = match K::name() {
            "Float" => settings.float_dtype.into(),
            "Int" => settings.int_dtype.into(),
            _ => settings.bool_dtype.into(),
        };
        Self::from_ndarray_as(array, device, dtype, Casting::Unsafe)
    }

    fn from_ndarray_as<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &B::Device,
        dtype: DType,
        casting: Casting,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        if D == 0 {
            return Err(Error::RankZero);
        }
        if array.ndim() != D {
            return Err(Error::Rank {
                got: array.ndim(),
                expected: D,
            });
        }
        let nd = target_dtype(dtype)?;
        if !kind_holds(K::name(), nd) || !B::supports_dtype(device, dtype) {
            return Err(Error::Unsupported {
                dtype: nd,
                kind: K::name(),
            });
        }
        let data = slice_to_data(&logical_values(array), array.shape(), dtype, casting)?;
        // `data.dtype` is `dtype` (f32 for Flex32), so Burn converts nothing, except
        // f32 → Flex32, a float-to-float cast that cannot panic.
        Ok(Tensor::from_data(data, (device, dtype)))
    }
}
