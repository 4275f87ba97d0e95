//! Tensor → ndarray on the Burn 0.21 line: [`ToNdarray`] for `Tensor<B, D, K>`.

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Tensor};
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use crate::base::dtype::logical_dtype;
use crate::base::to::sealed;
use crate::burn_0_21::data::{array_from_data, host_buffer_from_data};
use crate::{Casting, Error, NdElement, ToNdarray};

/// Reads `tensor` into an array of dimension `Dm` (`IxDyn` or the tensor's static one),
/// casting under `casting` (the caller has checked the cast): the one read path behind every
/// method of [`ToNdarray`].
fn read<B, const D: usize, K, E, Dm>(
    tensor: Tensor<B, D, K>,
    casting: Casting,
) -> Result<Array<E, Dm>, Error>
where
    B: Backend,
    K: BasicOps<B>,
    K::Primitive: 'static,
    E: NdElement,
    Dm: Dimension,
{
    let tensor = {
        let primitive = tensor.into_primitive();
        if let Some(result) =
            crate::burn_0_21::direct::read_copy::<B, _, E, Dm>(&primitive, casting)
        {
            return result;
        }
        Tensor::<B, D, K>::from_primitive(primitive)
    };
    let data = tensor.try_into_data().map_err(Error::backend)?;
    array_from_data(data, casting)
}

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

// The `&self` forms read a clone: one reference count. `read_array` checks the cast before
// any read, so a forbidden cast costs no copy either way.
impl<B: Backend, const D: usize, K: BasicOps<B>> ToNdarray<D> for Tensor<B, D, K>
where
    K::Primitive: 'static,
{
    fn nd_dtype(&self) -> Result<crate::NdDType, Error> {
        logical_dtype(self.dtype())
    }

    fn nd_shape(&self) -> Vec<usize> {
        self.shape().to_vec()
    }

    fn into_host_buffer(self) -> Result<crate::HostBuffer, Error> {
        let logical = self.nd_dtype()?;
        for_nd_dtype!(logical, E => {
            let tensor = {
                let primitive = self.into_primitive();
                if let Some(array) = crate::burn_0_21::direct::read_copy::<B, _, E, ndarray::IxDyn>(
                    &primitive,
                    Casting::No,
                ) {
                    return crate::HostBuffer::from_array(array?);
                }
                Tensor::<B, D, K>::from_primitive(primitive)
            };
            let data = tensor.try_into_data().map_err(Error::backend)?;
            host_buffer_from_data(data, logical)
        })
    }

    fn read_checked_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
    ) -> Result<Array<E, Dm>, Error> {
        read(self, casting)
    }

    fn copy_direct<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<bool, Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        Ok(crate::burn_0_21::direct::copy_into::<B, _, E, S, Dm>(
            &self.clone().into_primitive(),
            out,
        ))
    }
}
