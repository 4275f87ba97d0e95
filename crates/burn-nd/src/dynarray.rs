//! [`DynArray`]: an `ArrayD` whose element type is known only at run time, the ndarray
//! counterpart of a Burn tensor's `DType`.

use burn::tensor::backend::Backend;
use burn::tensor::{BasicOps, DType, Tensor};
use ndarray::ArrayD;

use crate::data::cast_array;
use crate::{Casting, Error, FromNdarray, NdElement, ToNdarray};

/// Expands `$body` once per element type, with `$a` bound to the array and `E` to its element
/// type, for every variant of a [`DynArray`].
macro_rules! each_variant {
    ($array:expr, $a:ident => $body:expr) => {
        match $array {
            DynArray::F64($a) => $body,
            DynArray::F32($a) => $body,
            DynArray::F16($a) => $body,
            DynArray::BF16($a) => $body,
            DynArray::I64($a) => $body,
            DynArray::I32($a) => $body,
            DynArray::I16($a) => $body,
            DynArray::I8($a) => $body,
            DynArray::U64($a) => $body,
            DynArray::U32($a) => $body,
            DynArray::U16($a) => $body,
            DynArray::U8($a) => $body,
            DynArray::Bool($a) => $body,
        }
    };
}

/// An n-dimensional array of any element type burn-nd converts: the run-time typed form of
/// `ArrayD<E>`, as a Burn tensor's element type is the run-time `DType`.
///
/// It is what a tensor becomes when its dtype is not known at compile time: the parameters of
/// a module ([`module_to_arrays`](crate::module_to_arrays)), the entries of an `.npz` file
/// (feature `npy`). Each variant keeps its values exactly; [`DynArray::to_ndarray`] and
/// [`DynArray::cast`] convert under a [`Casting`] rule.
///
/// ```
/// use burn::tensor::{DType, Tensor};
/// use burn_nd::{Casting, DynArray};
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let t = Tensor::<NdArray, 2>::from_floats([[1.0, 2.5], [3.0, 4.0]], &device);
/// let a = DynArray::from_tensor(&t)?;
/// assert_eq!((a.dtype(), a.shape()), (DType::F32, &[2usize, 2][..]));
/// assert!(a.to_ndarray::<i32>(Casting::SameKind).is_err()); // float → int is unsafe
/// let back: Tensor<NdArray, 2> = a.to_tensor(&device)?;
/// assert_eq!(back.into_data(), t.into_data());
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // each variant is named after its element type
pub enum DynArray {
    F64(ArrayD<f64>),
    F32(ArrayD<f32>),
    F16(ArrayD<half::f16>),
    BF16(ArrayD<half::bf16>),
    I64(ArrayD<i64>),
    I32(ArrayD<i32>),
    I16(ArrayD<i16>),
    I8(ArrayD<i8>),
    U64(ArrayD<u64>),
    U32(ArrayD<u32>),
    U16(ArrayD<u16>),
    U8(ArrayD<u8>),
    Bool(ArrayD<bool>),
}

/// Element types that have a [`DynArray`] variant: every [`NdElement`].
pub trait DynElement: NdElement {
    /// Wraps an array in its variant.
    ///
    /// ```
    /// use burn_nd::{DynArray, DynElement};
    /// use burn_nd::ndarray::ArrayD;
    ///
    /// let a = i16::wrap(ArrayD::zeros(vec![2]));
    /// assert!(matches!(a, DynArray::I16(_)));
    /// ```
    fn wrap(array: ArrayD<Self>) -> DynArray;
}

macro_rules! dyn_element {
    ($($t:ty => $variant:ident),*) => {$(
        impl DynElement for $t {
            fn wrap(array: ArrayD<Self>) -> DynArray {
                DynArray::$variant(array)
            }
        }

        impl From<ArrayD<$t>> for DynArray {
            fn from(array: ArrayD<$t>) -> Self {
                DynArray::$variant(array)
            }
        }
    )*};
}

dyn_element!(
    f64 => F64, f32 => F32, half::f16 => F16, half::bf16 => BF16, i64 => I64, i32 => I32,
    i16 => I16, i8 => I8, u64 => U64, u32 => U32, u16 => U16, u8 => U8, bool => Bool
);

/// Calls `$f::<E, $g..>($arg..)` for the element type `E` of `$dtype` (Flex32 reads as f32), or
/// evaluates `$none` for a quantized dtype.
macro_rules! for_dtype {
    ($dtype:expr, $f:ident [$($g:tt)*] ( $($arg:expr),* ), $none:expr) => {
        match $dtype {
            DType::F64 => $f::<f64, $($g)*>($($arg),*),
            DType::F32 | DType::Flex32 => $f::<f32, $($g)*>($($arg),*),
            DType::F16 => $f::<half::f16, $($g)*>($($arg),*),
            DType::BF16 => $f::<half::bf16, $($g)*>($($arg),*),
            DType::I64 => $f::<i64, $($g)*>($($arg),*),
            DType::I32 => $f::<i32, $($g)*>($($arg),*),
            DType::I16 => $f::<i16, $($g)*>($($arg),*),
            DType::I8 => $f::<i8, $($g)*>($($arg),*),
            DType::U64 => $f::<u64, $($g)*>($($arg),*),
            DType::U32 => $f::<u32, $($g)*>($($arg),*),
            DType::U16 => $f::<u16, $($g)*>($($arg),*),
            DType::U8 => $f::<u8, $($g)*>($($arg),*),
            DType::Bool(_) => $f::<bool, $($g)*>($($arg),*),
            DType::QFloat(_) => $none,
        }
    };
}

impl DynArray {
    /// Reads a tensor of any kind and dtype, keeping its dtype (one device read-back at most,
    /// no cast). A quantized tensor is an [`Error::Quantized`].
    ///
    /// ```
    /// use burn::tensor::{DType, Int, Tensor};
    /// use burn_nd::DynArray;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1, Int>::from_ints([1, 2], &Default::default());
    /// assert_eq!(DynArray::from_tensor(&t)?.dtype(), t.dtype());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn from_tensor<B: Backend, const D: usize, K: BasicOps<B>>(
        tensor: &Tensor<B, D, K>,
    ) -> Result<Self, Error>
    where
        K::Primitive: 'static,
    {
        Self::from_owned_tensor(tensor.clone())
    }

    /// [`DynArray::from_tensor`] that consumes the tensor, so a unique burn-ndarray tensor
    /// hands its buffer over without a copy.
    ///
    /// ```
    /// use burn::tensor::{Bool, Tensor};
    /// use burn_nd::DynArray;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1, Bool>::from_bool([true, false].into(), &Default::default());
    /// assert!(matches!(DynArray::from_owned_tensor(t)?, DynArray::Bool(_)));
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn from_owned_tensor<B: Backend, const D: usize, K: BasicOps<B>>(
        tensor: Tensor<B, D, K>,
    ) -> Result<Self, Error>
    where
        K::Primitive: 'static,
    {
        fn read<E: DynElement, B: Backend, const D: usize, K: BasicOps<B>>(
            tensor: Tensor<B, D, K>,
        ) -> Result<DynArray, Error>
        where
            K::Primitive: 'static,
        {
            tensor.into_ndarray_dyn_with::<E>(Casting::No).map(E::wrap)
        }
        let dtype = tensor.dtype();
        for_dtype!(dtype, read[B, D, K](tensor), Err(Error::Quantized { dtype }))
    }

    /// The element type as a Burn dtype (`bool` is `DType::Bool(BoolStore::Native)`).
    ///
    /// ```
    /// use burn::tensor::DType;
    /// use burn_nd::DynArray;
    /// use burn_nd::ndarray::ArrayD;
    ///
    /// assert_eq!(DynArray::from(ArrayD::<u8>::zeros(vec![1])).dtype(), DType::U8);
    /// ```
    pub fn dtype(&self) -> DType {
        fn of<E: NdElement>(_: &ArrayD<E>) -> DType {
            E::DTYPE
        }
        each_variant!(self, a => of(a))
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
        each_variant!(self, a => a.shape())
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
        each_variant!(self, a => cast_array(&a.view(), casting))
    }

    /// The same values as another element type, under `casting`: how a bf16 array is widened
    /// for NumPy (`cast(DType::F32, Casting::Safe)` is exact).
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
    pub fn cast(&self, dtype: DType, casting: Casting) -> Result<DynArray, Error> {
        fn to<E: DynElement>(a: &DynArray, casting: Casting) -> Result<DynArray, Error> {
            a.to_ndarray::<E>(casting).map(E::wrap)
        }
        for_dtype!(dtype, to[](self, casting), Err(Error::QuantizedTarget { dtype }))
    }

    /// A tensor with this array's dtype on `device`. The tensor kind must hold the dtype and
    /// the backend must support it ([`Error::Unsupported`] otherwise); the rank must be `D`.
    ///
    /// ```
    /// use burn::tensor::{DType, Int, Tensor};
    /// use burn_nd::DynArray;
    /// use burn_nd::ndarray::arr1;
    /// use burn_ndarray::NdArray;
    ///
    /// let a = DynArray::from(arr1(&[1u16, 2]).into_dyn());
    /// let t: Tensor<NdArray, 1, Int> = a.to_tensor(&Default::default())?;
    /// assert_eq!(t.dtype(), DType::U16);
    /// assert!(a.to_tensor::<NdArray, 1, burn::tensor::Float>(&Default::default()).is_err());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_tensor<B: Backend, const D: usize, K: BasicOps<B>>(
        &self,
        device: &B::Device,
    ) -> Result<Tensor<B, D, K>, Error> {
        let dtype = match self.dtype() {
            // Each backend picks its own bool storage.
            DType::Bool(_) => burn::tensor::get_device_settings::<B>(device)
                .bool_dtype
                .into(),
            dtype => dtype,
        };
        self.to_tensor_as(device, dtype, Casting::No)
    }

    /// A tensor of `dtype` on `device`, the values cast under `casting`.
    ///
    /// ```
    /// use burn::tensor::{DType, Tensor};
    /// use burn_nd::{Casting, DynArray};
    /// use burn_nd::ndarray::arr1;
    /// use burn_ndarray::NdArray;
    ///
    /// let a = DynArray::from(arr1(&[0.5f64]).into_dyn());
    /// let t: Tensor<NdArray, 1> = a.to_tensor_as(&Default::default(), DType::F32, Casting::SameKind)?;
    /// assert_eq!(t.dtype(), DType::F32);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn to_tensor_as<B: Backend, const D: usize, K: BasicOps<B>>(
        &self,
        device: &B::Device,
        dtype: DType,
        casting: Casting,
    ) -> Result<Tensor<B, D, K>, Error> {
        each_variant!(self, a => Tensor::from_ndarray_as(a, device, dtype, casting))
    }
}
