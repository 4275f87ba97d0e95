//! A direct read of burn-flex tensors, Burn 0.22's own CPU backend, through a view of their
//! storage (`flex_storage_reads!`, shared with the 0.21 line's burn-flex).

use burn::backend::flex::FlexTensor;
use burn::tensor::TensorData;
use ndarray::{Array, Dimension};

use crate::{Error, NdElement};

flex_storage_reads!(burn::backend::flex, burn_0_22);

/// Reads a flex tensor: the buffer itself when Burn's read hands it over (returned as data
/// for the caller's zero-copy conversion), else one pass over a view of its storage.
pub(crate) fn read<E: NdElement, Dm: Dimension>(
    flex: FlexTensor,
    exact: bool,
) -> Result<Result<Array<E, Dm>, TensorData>, Error> {
    match read_copy(&flex, exact) {
        Some(read) => read.map(Ok),
        None => Ok(Err(flex.into_data())),
    }
}

#[cfg(test)]
mod tests {
    use burn::backend::flex::FlexTensor;
    use burn::backend::Flex;
    use burn::tensor::{Bool, DType, Device, Int, Tensor, TensorData};
    use half::bf16;
    use ndarray::{array, s, Array2, Array3, ArrayD};

    use crate::{Casting, FromNdarray, ToNdarray};

    fn storage_address<const D: usize>(t: &Tensor<D>) -> *const u8 {
        let flex: FlexTensor = t
            .clone()
            .without_autodiff()
            .try_into_primitive::<Flex>()
            .unwrap();
        flex.bytes().as_ptr()
    }

    /// A unique, contiguous tensor read as its own dtype hands its buffer over, plain and
    /// under Autodiff; a shared one is copied and leaves the tensor intact.
    #[test]
    fn unique_tensors_hand_their_buffer_over() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [64, 64]), &device);
            let address = storage_address(&t);
            let shared: Array2<f32> = t.to_ndarray().unwrap();
            assert_ne!(
                shared.as_ptr() as *const u8,
                address,
                "a shared read copies"
            );
            let a: Array2<f32> = t.into_ndarray().unwrap();
            assert_eq!(a.as_ptr() as *const u8, address, "{device:?}: no copy");
            assert_eq!(a, shared);
        }
    }

    /// Strided, flipped, broadcast and sliced tensors made by Burn ops read in logical order,
    /// in every dtype the storage holds, casts included.
    #[test]
    fn views_made_by_burn_ops_read_in_logical_order() {
        let device = Device::flex();
        let base: Vec<i64> = (0..24).collect();
        let expected = ArrayD::from_shape_vec(vec![2, 3, 4], base.clone()).unwrap();
        let t = Tensor::<3, Int>::from_data(TensorData::new(base, [2, 3, 4]), &device);

        let swapped: ArrayD<i64> = t.clone().swap_dims(0, 2).to_ndarray_dyn().unwrap();
        assert_eq!(swapped, expected.clone().permuted_axes(vec![2, 1, 0]));
        let flipped: Array3<i64> = t.clone().flip([1]).to_ndarray().unwrap();
        assert_eq!(
            flipped,
            expected
                .slice(s![.., ..;-1, ..])
                .into_dimensionality()
                .unwrap()
        );
        let sliced: Array3<i32> = t
            .clone()
            .slice([0..2, 1..3, 1..4])
            .to_ndarray_with(Casting::SameKind)
            .unwrap();
        assert_eq!(
            sliced,
            expected.slice(s![.., 1..3, 1..4]).mapv(|v| v as i32)
        );
        let wide = Tensor::<1, Int>::from_data(TensorData::new(vec![1i64, 2, 3], [3]), &device)
            .reshape([1, 3])
            .expand([4, 3]);
        let broadcast: Array2<f64> = wide.to_ndarray_with(Casting::Unsafe).unwrap();
        assert_eq!(broadcast.row(3).to_vec(), vec![1.0, 2.0, 3.0]);

        let halves = array![[bf16::from_f32(1.5), bf16::from_f32(-2.0)]];
        let halves =
            Tensor::<2>::from_ndarray_as(&halves, &device, DType::BF16, Casting::No).unwrap();
        let transposed: Array2<bf16> = halves.clone().transpose().to_ndarray().unwrap();
        assert_eq!(
            transposed,
            array![[bf16::from_f32(1.5)], [bf16::from_f32(-2.0)]]
        );
        let bools =
            Tensor::<2, Bool>::from_data(TensorData::new(vec![true, false], [1, 2]), &device)
                .transpose();
        assert_eq!(bools.to_ndarray::<bool>().unwrap(), array![[true], [false]]);
        assert_eq!(bools.to_ndarray::<u8>().unwrap(), array![[1], [0]]);
    }

    /// `read_into` copies a strided flex tensor straight into a strided output.
    #[test]
    fn read_into_takes_any_layout_both_sides() {
        let device = Device::flex().autodiff();
        let t = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2]),
            &device,
        )
        .transpose();
        let mut big = Array2::<f32>::zeros((2, 4));
        t.read_into(&mut big.slice_mut(s![.., ..;2])).unwrap();
        assert_eq!(big, array![[1.0, 0.0, 3.0, 0.0], [2.0, 0.0, 4.0, 0.0]]);
        let mut ints = Array2::<i32>::from_elem((2, 2), 9);
        assert!(t.read_into_with(&mut ints, Casting::Exact).is_ok());
        assert_eq!(ints, array![[1, 3], [2, 4]]);
    }
}
