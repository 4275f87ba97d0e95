//! Burn 0.22's read-back: [`ToNdarrayAsync`] (and so [`read_batch`](crate::read_batch)) for
//! `Tensor<D, K>` on any device, and [`NarrowRead`] for its Float and Bool tensors.

use std::future::Future;

use burn::tensor::{Bool, DType, Float, FloatDType, IntDType, Tensor, TensorData, Transaction};
use ndarray::ArrayD;

use super::data::Line022;
use super::kind::NdKind;
use crate::check::check_cast;
use crate::convert::narrow::{self, device_cast, NarrowRead};
use crate::convert::readback::sealed;
use crate::{ndarray_from_data, Casting, Error, NdDType, NdElement, ToNdarray, ToNdarrayAsync};

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

impl<const D: usize, K: NdKind + burn::tensor::kind::Transaction> ToNdarrayAsync for Tensor<D, K> {
    type Data = TensorData;
    type DType = DType;

    fn logical_dtype(&self) -> DType {
        self.dtype()
    }

    fn data_async(self) -> impl Future<Output = Result<TensorData, Error>> + Send {
        let read = self.into_data_async();
        async move { read.await.map_err(Error::backend) }
    }

    fn data_batch(tensors: Vec<Self>) -> Result<Vec<TensorData>, Error> {
        let transaction = tensors
            .into_iter()
            .fold(Transaction::default(), Transaction::register);
        transaction.try_execute().map_err(Error::backend)
    }
}

impl<const D: usize> narrow::sealed::Sealed for Tensor<D, Float> {}
impl<const D: usize> narrow::sealed::Sealed for Tensor<D, Bool> {}

impl<const D: usize> NarrowRead for Tensor<D, Float> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let narrow = match device_cast::<Line022>(from, E::DTYPE, casting) {
            Some(NdDType::F16) => FloatDType::F16,
            Some(NdDType::BF16) => FloatDType::BF16,
            _ => return self.into_ndarray_dyn_with(casting),
        };
        if !self.device().supports_dtype(DType::from(E::DTYPE)) {
            return self.into_ndarray_dyn_with(casting);
        }
        let narrow = self.cast(narrow);
        let dtype = narrow.dtype();
        ndarray_from_data(
            narrow.try_into_data().map_err(Error::backend)?,
            dtype,
            casting,
        )
    }
}

impl<const D: usize> NarrowRead for Tensor<D, Bool> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let narrow = device_cast::<Line022>(from, E::DTYPE, casting).is_some();
        if !narrow || !self.device().supports_dtype(DType::U8) {
            return self.into_ndarray_dyn_with(casting);
        }
        let narrow = self.int().cast(IntDType::U8);
        ndarray_from_data(
            narrow.try_into_data().map_err(Error::backend)?,
            DType::U8,
            casting,
        )
    }
}
