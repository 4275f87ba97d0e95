//! [`DynArray`] to and from Burn 0.21 tensors.

use burn::tensor::backend::Backend;
use burn::tensor::{BasicOps, DType, Tensor};

use crate::backend::{logical_dtype, DynElement};
use crate::{Casting, DynArray, Error, FromNdarray, NdDType, ToNdarray};

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
        let nd = logical_dtype(tensor.dtype())?;
        for_nd_dtype!(nd, E => tensor.into_ndarray_dyn_with::<E>(Casting::No).map(E::wrap))
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
            NdDType::Bool => burn::tensor::get_device_settings::<B>(device)
                .bool_dtype
                .into(),
            dtype => DType::from(dtype),
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
