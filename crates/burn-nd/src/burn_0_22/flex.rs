//! A direct read of burn-flex tensors, Burn 0.22's own CPU backend.
//!
//! A flex tensor is an `Arc` of bytes with a layout (shape, element strides that may be
//! negative or zero, a start offset) and a storage dtype. Burn's read-back first copies any
//! shared, strided or offset tensor into a new contiguous tensor and then hands that over;
//! here such a tensor is read through a view of its storage instead, one copy or one cast
//! loop into the array. A unique, contiguous tensor is handed over by Burn's read for free,
//! and that is the path taken for it.

use burn::backend::flex::FlexTensor;
use burn::backend::Flex;
use burn::tensor::{Tensor, TensorData};
use ndarray::{Array, ArrayBase, ArrayViewD, DataMut, Dimension};

use crate::base::array::{assign_same, read_array, strided_view};
use crate::burn_0_22::dtype::stored;
use crate::burn_0_22::to::NdKind;
use crate::{Error, NdDType, NdElement};

/// `tensor`'s flex primitive (sharing its buffer), or `None` when it lives on another
/// backend (an Autodiff flex tensor has been unwrapped by the caller). A caller that wants the
/// buffer unique drops `tensor` first.
pub(crate) fn primitive<const D: usize, K: NdKind>(tensor: &Tensor<D, K>) -> Option<FlexTensor> {
    // The downcast consumes its tensor, so it gets a clone (one reference count).
    tensor.clone().try_into_primitive::<Flex>().ok()
}

/// `true` when Burn's own read of `flex` hands its buffer over without a copy: nothing else
/// shares it and it holds exactly the tensor's elements in row-major order.
fn handed_over(flex: &FlexTensor, size: usize) -> bool {
    let layout = flex.layout();
    flex.is_unique()
        && layout.is_contiguous()
        && layout.start_offset() == 0
        && flex.bytes().len() == layout.num_elements() * size
}

/// Reads a flex tensor: the buffer itself when Burn's read hands it over (returned as data
/// for the caller's zero-copy conversion), else one pass over a view of its storage.
pub(crate) fn read<E: NdElement, Dm: Dimension>(
    flex: FlexTensor,
    exact: bool,
) -> Result<Result<Array<E, Dm>, TensorData>, Error> {
    let stored = stored(flex.dtype())?;
    if handed_over(&flex, stored.size()) {
        return Ok(Err(flex.into_data()));
    }
    let layout = flex.layout();
    for_nd_dtype!(stored, S => {
        let all: &[S] = bytemuck::checked::try_cast_slice(flex.bytes()).map_err(|e| {
            Error::backend(std::io::Error::other(format!(
                "flex storage of {stored} is not a slice of {stored}: {e}"
            )))
        })?;
        let view = strided_view(all, layout.shape(), layout.strides(), layout.start_offset())?;
        read_array(&view, exact).map(Ok)
    })
}

/// Copies a flex tensor's values into `out` (same shape) when `E` is its dtype; `false` when
/// it is another (or its layout cannot be viewed), writing nothing.
pub(crate) fn copy_into<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    flex: &FlexTensor,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    match typed_view::<E>(flex) {
        Ok(view) => assign_same(&view, out),
        Err(_) => false,
    }
}

/// The view of `flex` as `E`s: [`Error::DtypeMismatch`] unless `E` is its dtype (bool tensors
/// store bytes that are 0 or 1, checked here), an error if its layout reaches outside it.
pub(crate) fn typed_view<E: NdElement>(flex: &FlexTensor) -> Result<ArrayViewD<'_, E>, Error> {
    // The tensor's own dtype only: a Bool tensor is not viewed as the bytes it stores.
    let logical = crate::backend::logical_dtype(flex.dtype())?;
    let stored_as = stored(flex.dtype())?;
    let holds = stored_as == E::DTYPE || (stored_as == NdDType::U8 && E::DTYPE == NdDType::Bool);
    if logical != E::DTYPE || !holds {
        return Err(Error::DtypeMismatch {
            stored: logical,
            requested: E::DTYPE,
        });
    }
    let all: &[E] = bytemuck::checked::try_cast_slice(flex.bytes()).map_err(|e| {
        Error::backend(std::io::Error::other(format!(
            "flex storage is not a slice of {}: {e}",
            E::DTYPE
        )))
    })?;
    let layout = flex.layout();
    strided_view(all, layout.shape(), layout.strides(), layout.start_offset())
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
