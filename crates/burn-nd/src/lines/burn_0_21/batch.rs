//! Burn 0.21's read-back: [`ToNdarrayAsync`] (and so [`read_batch`](crate::read_batch)) for
//! `Tensor<B, D, K>`, and [`NarrowRead`], the read that narrows on the device first, for its
//! Float and Bool tensors on every backend.

use std::future::Future;

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Bool, DType, Float, FloatDType, IntDType, Tensor, Transaction};
use burn_backend::tensor::TransactionOp;
use ndarray::ArrayD;

use super::data::Line021;
use crate::check::check_cast;
use crate::convert::narrow::{self, device_cast, NarrowRead};
use crate::convert::readback::sealed;
use crate::{ndarray_from_data, Casting, Error, NdDType, NdElement, ToNdarray, ToNdarrayAsync};

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<B: Backend, const D: usize, K: BasicOps<B> + TransactionOp<B>> ToNdarrayAsync
    for Tensor<B, D, K>
{
    type Data = burn021::tensor::TensorData;
    type DType = DType;

    fn logical_dtype(&self) -> DType {
        self.dtype()
    }

    fn data_async(self) -> impl Future<Output = Result<Self::Data, Error>> + Send {
        let read = self.into_data_async();
        async move { read.await.map_err(Error::backend) }
    }

    fn data_batch(tensors: Vec<Self>) -> Result<Vec<Self::Data>, Error> {
        let transaction = tensors
            .into_iter()
            .fold(Transaction::<B>::default(), Transaction::register);
        transaction.try_execute().map_err(Error::backend)
    }
}

impl<B: Backend, const D: usize> narrow::sealed::Sealed for Tensor<B, D, Float> {}
impl<B: Backend, const D: usize> narrow::sealed::Sealed for Tensor<B, D, Bool> {}

impl<B: Backend, const D: usize> NarrowRead for Tensor<B, D, Float> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let narrow = match device_cast::<Line021>(from, E::DTYPE, casting) {
            Some(NdDType::F16) => FloatDType::F16,
            Some(NdDType::BF16) => FloatDType::BF16,
            _ => return self.into_ndarray_dyn_with(casting),
        };
        if !B::supports_dtype(&self.device(), DType::from(E::DTYPE)) {
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

impl<B: Backend, const D: usize> NarrowRead for Tensor<B, D, Bool> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let narrow = device_cast::<Line021>(from, E::DTYPE, casting).is_some();
        if !narrow || !B::supports_dtype(&self.device(), DType::U8) {
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
