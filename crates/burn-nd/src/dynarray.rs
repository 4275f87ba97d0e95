//! [`DynArray`]: an `ArrayD` whose element type is known only at run time, the ndarray
//! counterpart of a Burn tensor's `DType`.

use ndarray::ArrayD;

use crate::array::cast_array;
use crate::check::target_dtype;
use crate::{Casting, DTypeLike, Error, FromNdarray, NdDType, NdElement, ToNdarray};

/// [`DynArray`] (its doc below) and its per-type impls, from the entries of [`dtypes`]; and a
/// `match` over its variants.
macro_rules! dyn_array {
    // `$body` once per element type, with `$a` bound to the array: `dyn_array!(each x, a => ..)`
    // is a `match` with an arm per variant.
    ((arms ($array:expr), $a:ident, ($body:expr)), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        match $array {
            $(DynArray::$v($a) => $body,)*
        }
    };
    (each $array:expr, $a:ident => $body:expr) => {
        dtypes!(dyn_array, (arms ($array), $a, ($body)))
    };
    // The enum and its per-type impls: `dyn_array!` from [`dtypes`].
    ([$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        /// An n-dimensional array of any element type burn-nd converts: the run-time typed form of
        /// `ArrayD<E>`, as a Burn tensor's element type is the run-time `DType`.
        ///
        /// It is what a tensor becomes when its dtype is not known at compile time: the parameters of
        /// a module ([`module_to_arrays`](crate::module_to_arrays)), the entries of an `.npz` file
        /// (feature `npy`). Each variant keeps its values exactly; [`DynArray::to_ndarray`] and
        /// [`DynArray::cast`] convert under a [`Casting`] rule.
        ///
        /// ```
        /// use burn::tensor::{Device, Tensor};
        /// use burn_nd::{Casting, DynArray, NdDType};
        ///
        /// let device = Device::flex();
        /// let t = Tensor::<2>::from_floats([[1.0, 2.5], [3.0, 4.0]], &device);
        /// let a = DynArray::from_tensor(&t)?;
        /// assert_eq!((a.dtype(), a.shape()), (NdDType::F32, &[2usize, 2][..]));
        /// assert!(a.to_ndarray::<i32>(Casting::SameKind).is_err()); // float → int is unsafe
        /// let back: Tensor<2> = a.to_tensor(&device)?;
        /// assert_eq!(back.into_data(), t.into_data());
        /// # Ok::<_, burn_nd::Error>(())
        /// ```
        #[derive(Clone, Debug, PartialEq)]
        #[allow(missing_docs)] // each variant is named after its element type
        pub enum DynArray { $($v(ArrayD<$t>),)* }

        $(
            impl DynElement for $t {
                fn wrap(array: ArrayD<Self>) -> DynArray {
                    DynArray::$v(array)
                }
            }

            impl From<ArrayD<$t>> for DynArray {
                fn from(array: ArrayD<$t>) -> Self {
                    DynArray::$v(array)
                }
            }
        )*
    };
}
dtypes!(dyn_array);

/// Element types that have a [`DynArray`] variant: every [`NdElement`].
pub trait DynElement: NdElement {
    /// Wraps an array in its variant.
    ///
    /// ```
    /// use burn_nd::backend::DynElement;
    /// use burn_nd::DynArray;
    /// use burn_nd::ndarray::ArrayD;
    ///
    /// let a = i16::wrap(ArrayD::zeros(vec![2]));
    /// assert!(matches!(a, DynArray::I16(_)));
    /// ```
    fn wrap(array: ArrayD<Self>) -> DynArray;
}

impl DynArray {
    /// The element type's dtype; it compares equal to Burn's `DType` of the same name.
    ///
    /// ```
    /// use burn::tensor::DType;
    /// use burn_nd::{DynArray, NdDType};
    /// use burn_nd::ndarray::ArrayD;
    ///
    /// assert_eq!(DynArray::from(ArrayD::<u8>::zeros(vec![1])).dtype(), NdDType::U8);
    /// assert_eq!(DynArray::from(ArrayD::<u8>::zeros(vec![1])).dtype(), DType::U8);
    /// ```
    pub fn dtype(&self) -> NdDType {
        fn of<E: NdElement>(_: &ArrayD<E>) -> NdDType {
            E::DTYPE
        }
        dyn_array!(each self, a => of(a))
    }

    /// The shape.
    ///
    /// ```
    /// use burn_nd::DynArray;
    /// use burn_nd::ndarray::ArrayD;
    ///
    /// assert_eq!(DynArray::from(ArrayD::<f32>::zeros(vec![2, 0])).shape(), &[2, 0]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        dyn_array!(each self, a => a.shape())
    }

    /// The array's elements in row-major order in a [`HostBuffer`](crate::HostBuffer), to hand
    /// to C or Python: the array's own buffer when it is in standard layout and fills it
    /// (every array burn-nd's reads make), else one copy (allocated fallibly).
    ///
    /// ```
    /// use burn_nd::{DynArray, NdDType};
    /// use burn_nd::ndarray::arr2;
    ///
    /// let a = DynArray::from(arr2(&[[1i16, 2], [3, 4]]).reversed_axes().into_dyn());
    /// let buffer = a.into_host_buffer()?;
    /// assert_eq!((buffer.dtype(), buffer.shape()), (NdDType::I16, &[2usize, 2][..]));
    /// assert_eq!(buffer.as_bytes()[..2], 1i16.to_ne_bytes()); // then 3, 2, 4
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn into_host_buffer(self) -> Result<crate::HostBuffer, Error> {
        dyn_array!(each self, a => crate::HostBuffer::from_array(a))
    }

    /// The values as an `ArrayD<E>`, cast under `casting` ([`Casting::Exact`] names the first
    /// value that does not survive). Any layout in; standard layout out.
    ///
    /// ```
    /// use burn_nd::{Casting, DynArray};
    /// use burn_nd::half::bf16;
    /// use burn_nd::ndarray::{arr1, ArrayD};
    ///
    /// let a = DynArray::from(arr1(&[bf16::from_f32(1.5)]).into_dyn());
    /// assert_eq!(a.to_ndarray::<f32>(Casting::Safe)?, arr1(&[1.5f32]).into_dyn());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_ndarray<E: NdElement>(&self, casting: Casting) -> Result<ArrayD<E>, Error> {
        dyn_array!(each self, a => cast_array(&a.view(), casting))
    }

    /// The same values as another element type, under `casting`: how a bf16 array is widened
    /// for NumPy (`cast(NdDType::F32, Casting::Safe)` is exact). `dtype` is an [`NdDType`] or
    /// a Burn `DType`.
    ///
    /// ```
    /// use burn::tensor::DType;
    /// use burn_nd::{Casting, DynArray};
    /// use burn_nd::ndarray::arr1;
    ///
    /// let a = DynArray::from(arr1(&[300i32]).into_dyn());
    /// assert_eq!(a.cast(DType::I64, Casting::Safe)?.dtype(), DType::I64);
    /// assert!(a.cast(DType::U8, Casting::Exact).is_err()); // 300 does not fit
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn cast(&self, dtype: impl DTypeLike, casting: Casting) -> Result<DynArray, Error> {
        for_nd_dtype!(target_dtype(dtype)?, E => self.to_ndarray::<E>(casting).map(E::wrap))
    }
}

/// Tensors of either Burn line to and from [`DynArray`]: written once on [`ToNdarray`] and
/// [`FromNdarray`], which each line implements for its tensors.
impl DynArray {
    /// Reads a tensor of any kind and dtype, keeping its dtype (one device read-back at most,
    /// no cast). A quantized tensor is an [`Error::Quantized`].
    ///
    /// ```
    /// use burn::tensor::{Device, Int, Tensor};
    /// use burn_nd::DynArray;
    ///
    /// let t = Tensor::<1, Int>::from_ints([1, 2], &Device::flex());
    /// assert_eq!(DynArray::from_tensor(&t)?.dtype(), t.dtype());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn from_tensor<const D: usize, T: ToNdarray<D> + Clone>(tensor: &T) -> Result<Self, Error> {
        Self::from_owned_tensor(tensor.clone())
    }

    /// [`DynArray::from_tensor`] that consumes the tensor, so a unique CPU tensor (burn-flex,
    /// burn-ndarray) hands its buffer over without a copy.
    ///
    /// ```
    /// use burn::tensor::{Bool, Device, Tensor};
    /// use burn_nd::DynArray;
    ///
    /// let t = Tensor::<1, Bool>::from_bool([true, false], &Device::flex());
    /// assert!(matches!(DynArray::from_owned_tensor(t)?, DynArray::Bool(_)));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn from_owned_tensor<const D: usize, T: ToNdarray<D>>(tensor: T) -> Result<Self, Error> {
        let nd = tensor.nd_dtype()?;
        for_nd_dtype!(nd, E => tensor.into_ndarray_dyn_with::<E>(Casting::No).map(E::wrap))
    }

    /// A tensor with this array's dtype on `device`. The tensor kind must hold the dtype and
    /// the backend must support it ([`Error::Unsupported`] otherwise); the rank must be the
    /// tensor's.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Float, Int, Tensor};
    /// use burn_nd::DynArray;
    /// use burn_nd::ndarray::arr1;
    ///
    /// let a = DynArray::from(arr1(&[1u16, 2]).into_dyn());
    /// let t: Tensor<1, Int> = a.to_tensor(&Device::flex())?;
    /// assert_eq!(t.dtype(), DType::U16);
    /// assert!(a.to_tensor::<Tensor<1, Float>>(&Device::flex()).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_tensor<T: FromNdarray>(&self, device: &T::Device) -> Result<T, Error> {
        let dtype = match self.dtype() {
            NdDType::Bool => T::bool_dtype(device),
            dtype => T::DType::from(dtype),
        };
        self.to_tensor_as(device, dtype, Casting::No)
    }

    /// A tensor of `dtype` on `device`, the values cast under `casting`.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd::{Casting, DynArray};
    /// use burn_nd::ndarray::arr1;
    ///
    /// let a = DynArray::from(arr1(&[0.5f64]).into_dyn());
    /// let t: Tensor<1> = a.to_tensor_as(&Device::flex(), DType::F32, Casting::SameKind)?;
    /// assert_eq!(t.dtype(), DType::F32);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_tensor_as<T: FromNdarray>(
        &self,
        device: &T::Device,
        dtype: T::DType,
        casting: Casting,
    ) -> Result<T, Error> {
        dyn_array!(each self, a => T::from_ndarray_as(a, device, dtype, casting))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact errors print values in the shortest form that reads back, with an exponent
    /// where Python's `repr` uses one: not 301 digits for 1e300, nor 45 zeros for a subnormal.
    #[test]
    fn inexact_values_print_short() {
        let msg = |values: Vec<f64>, to: NdDType| {
            let array = DynArray::from(
                ndarray::ArrayD::from_shape_vec(vec![values.len()], values).unwrap(),
            );
            array.cast(to, Casting::Exact).unwrap_err().to_string()
        };
        assert_eq!(
            msg(vec![1.0, 1e300], NdDType::F32),
            "value 1e+300 at index [1] cannot be represented exactly as float32"
        );
        assert_eq!(
            msg(vec![f64::from(f32::from_bits(1))], NdDType::F16),
            "value 1.401298464324817e-45 at index [0] cannot be represented exactly as float16"
        );
        assert_eq!(
            msg(vec![2.5], NdDType::I64),
            "value 2.5 at index [0] cannot be represented exactly as int64"
        );
    }
}
