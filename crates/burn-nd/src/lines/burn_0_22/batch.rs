//! Burn 0.22's read-back: [`ToNdarrayAsync`] (and so [`read_batch`](crate::read_batch)) for
//! `Tensor<D, K>` on any device.

use std::future::Future;

use burn::tensor::{DType, Tensor, TensorData, Transaction};

use crate::convert::readback::sealed;
use crate::lines::burn_0_22::kind::NdKind;
use crate::{Error, ToNdarrayAsync};

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
