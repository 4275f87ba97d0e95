//! Burn 0.22's `TensorData` (any storage dtype) to typed element vectors and back.

use burn::tensor::{Bytes, DType, TensorData};

/// The data's bytes, shape and storage dtype.
fn parts(data: TensorData) -> (Bytes, Vec<usize>, DType) {
    let (bytes, shape, dtype) = data.into_parts();
    (bytes, shape.to_vec(), dtype)
}

/// The data's shape.
fn shape_of(data: &TensorData) -> Vec<usize> {
    data.shape().to_vec()
}

line_data_impls!(burn::tensor, burn_0_22);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use burn::tensor::BoolStore;

    #[test]
    fn wide_and_bool_storage_reads_as_logical_values() {
        let data = TensorData::new(vec![-1i64, 7], [2]);
        assert_eq!(data_into_vec::<i32>(data, false).unwrap(), vec![-1, 7]);
        let bools = TensorData::from_bytes_vec(
            bytemuck::cast_slice(&[0u32, 1, 1]).to_vec(),
            [3],
            DType::Bool(BoolStore::U32),
        );
        assert_eq!(
            data_into_vec::<bool>(bools, false).unwrap(),
            vec![false, true, true]
        );
        let exact = data_into_vec::<i8>(TensorData::new(vec![1i32, 300], [2]), true);
        assert!(matches!(exact, Err(Error::Inexact { .. })), "{exact:?}");
    }
}
