//! Tensor → ndarray on the Burn 0.21 line: [`ToNdarray`] for `Tensor<B, D, K>` (`direct`
//! finds the backend memory a tensor's primitive holds).

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Tensor};
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use crate::check::logical_dtype;
use crate::convert::to::{copy_direct, into_host_buffer, read_array, read_into, sealed};
use crate::{Casting, Error, HostBuffer, NdDType, NdElement, ToNdarray};

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

// The `&self` forms read a clone: one reference count. `read_array` checks the cast before
// any read, so a forbidden cast costs no copy either way.
impl<B: Backend, const D: usize, K: BasicOps<B>> ToNdarray<D> for Tensor<B, D, K>
where
    K::Primitive: 'static,
{
    fn nd_dtype(&self) -> Result<NdDType, Error> {
        logical_dtype(self.dtype())
    }

    fn nd_shape(&self) -> Vec<usize> {
        self.shape().to_vec()
    }

    fn nd_device(&self) -> String {
        format!("{:?}", self.device())
    }

    fn into_host_buffer(self) -> Result<HostBuffer, Error> {
        let logical = self.nd_dtype()?;
        into_host_buffer(self, logical)
    }

    fn read_checked_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
        _checked: sealed::Checked,
    ) -> Result<Array<E, Dm>, Error> {
        read_array(self, casting)
    }

    fn copy_direct<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<bool, Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        Ok(copy_direct(self, self.nd_dtype()?, out))
    }

    fn read_into_checked<E, S, Dm>(
        &self,
        out: &mut ArrayBase<S, Dm>,
        casting: Casting,
        _checked: sealed::Checked,
    ) -> Result<(), Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        read_into(self.clone(), out, casting)
    }
}
