//! Tensor → ndarray on the Burn 0.22 line: [`ToNdarray`] for `Tensor<D, K>`, on every device
//! (`direct` finds the backend memory a tensor lives in).

use burn::tensor::Tensor;
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use super::kind::NdKind;
use crate::check::logical_dtype;
use crate::convert::to::{copy_direct, into_host_buffer, read_array, read_into, sealed};
use crate::{Casting, Error, HostBuffer, NdDType, NdElement, ToNdarray};

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

// The `&self` forms read a clone: one reference count.
impl<const D: usize, K: NdKind> ToNdarray<D> for Tensor<D, K> {
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

#[cfg(test)]
mod tests {
    use burn::tensor::{Bool, Device, Int, Tensor, TensorData};
    use ndarray::{array, Array1, Array2};

    use crate::{Casting, Error, ToNdarray};

    #[test]
    fn flex_tensors_read_like_on_0_21() {
        let device = Device::flex();
        let t = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.5], [2, 2]),
            &device,
        );
        let a: Array2<f32> = t.to_ndarray().unwrap();
        assert_eq!(a, array![[1.0, 2.0], [3.0, 4.5]]);
        let wide: Array2<f64> = t.clone().transpose().into_ndarray().unwrap();
        assert_eq!(wide, array![[1.0, 3.0], [2.0, 4.5]]);
        let ints: Array2<i64> = t.to_ndarray_with(Casting::Unsafe).unwrap();
        assert_eq!(ints, array![[1, 2], [3, 4]]);
        assert!(matches!(
            t.to_ndarray_with::<i64>(Casting::Exact),
            Err(Error::Inexact { .. })
        ));
        assert!(matches!(t.to_ndarray::<i32>(), Err(Error::Casting { .. })));

        let i = Tensor::<1, Int>::from_data(TensorData::new(vec![3i64, -1], [2]), &device);
        assert_eq!(i.to_ndarray::<i64>().unwrap(), array![3, -1]);
        let b = Tensor::<1, Bool>::from_data(TensorData::new(vec![true, false], [2]), &device);
        assert_eq!(b.to_ndarray::<bool>().unwrap(), array![true, false]);

        let mut out = Array1::<f64>::zeros(4);
        t.reshape([4]).read_into(&mut out).unwrap();
        assert_eq!(out, array![1.0, 2.0, 3.0, 4.5]);
    }

    #[test]
    fn autodiff_devices_read_their_values() {
        let device = Device::flex().autodiff();
        let x = Tensor::<1>::from_data(TensorData::new(vec![1.0f32, -2.0], [2]), &device)
            .require_grad();
        let y = x.clone() * 3.0;
        assert_eq!(y.to_ndarray::<f32>().unwrap(), array![3.0, -6.0]);
    }
}
