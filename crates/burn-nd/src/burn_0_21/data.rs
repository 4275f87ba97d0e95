//! Burn 0.21's `TensorData` (any storage dtype) to typed element vectors and back.

use burn021::tensor::{Bytes, DType, TensorData};

/// The data's bytes, shape and storage dtype (the fields are public on this line).
fn parts(data: TensorData) -> (Bytes, Vec<usize>, DType) {
    let TensorData {
        bytes,
        shape,
        dtype,
    } = data;
    (bytes, shape.to_vec(), dtype)
}

/// The data's shape.
fn shape_of(data: &TensorData) -> Vec<usize> {
    data.shape.to_vec()
}

/// Nothing to do on this line: cubecl-common 0.10's `Bytes` (Burn 0.21) offer no fallible
/// read, so file-backed bytes are read on first access and a failed read panics there.
fn load_host_bytes(_bytes: &Bytes) -> Result<(), crate::Error> {
    Ok(())
}

/// Whether `bytes` may be taken over by a [`HostBuffer`](crate::HostBuffer): only Burn's own
/// heap allocations (`Native`). Shared bytes (`Other`: a `bytes::Bytes` from
/// `from_shared_bytes`, a NumPy array) would be copied through Burn's copy-on-write (an
/// allocation that panics when it fails) and keep their owner alive, and cubecl-common 0.10
/// cannot tell whether that copy already happened (an in-place op's result); pinned staging
/// buffers and file-backed bytes are not plain heap memory. All of those are copied into a
/// buffer of their own; Burn 0.22 hands an in-place result over without a copy.
fn exclusive_host_bytes(bytes: &mut Bytes) -> Result<bool, crate::Error> {
    Ok(bytes.property() == burn021::tensor::AllocationProperty::Native)
}

line_data_impls!(burn021::tensor, burn_0_21);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Casting, Error};
    use burn021::tensor::BoolStore;

    /// A quantized dtype as a cast's target is named as such, not as a quantized source.
    #[test]
    fn a_quantized_target_is_its_own_error() {
        let q = DType::QFloat(burn021::tensor::quantization::QuantScheme::default());
        let array = crate::DynArray::from(ndarray::ArrayD::<f32>::zeros(vec![2]));
        let err = array.cast(q, Casting::Unsafe).unwrap_err();
        assert!(matches!(err, Error::QuantizedTarget { .. }), "{err}");
    }

    #[test]
    fn wide_storage_reads_as_logical_values() {
        // tch stores an i32 tensor's values as i64; cube stores bools as u32.
        let data = TensorData::new(vec![-1i64, 7], [2]);
        assert_eq!(data_into_vec::<i32>(data, false).unwrap(), vec![-1, 7]);
        let mut bools = TensorData::new(vec![0u32, 1, 1], [3]);
        bools.dtype = DType::Bool(BoolStore::U32);
        assert_eq!(
            data_into_vec::<bool>(bools, false).unwrap(),
            vec![false, true, true]
        );
    }

    #[test]
    fn same_dtype_data_that_cannot_be_handed_over_is_copied() {
        let values = [1.5f32, -2.0, 3.25];
        let bytes: Vec<u8> = bytemuck::cast_slice(&values).to_vec();
        let data = TensorData::from_bytes_vec(bytes, [3], DType::F32);
        // A buffer allocated as bytes cannot become a Vec<f32>: the copy path runs.
        assert!(data.bytes.clone().try_into_vec::<f32>().is_err());
        assert_eq!(data_into_vec::<f32>(data, false).unwrap(), values);
        let bools = TensorData::from_bytes_vec(vec![1, 0, 1], [3], DType::Bool(BoolStore::Native));
        assert_eq!(
            data_into_vec::<bool>(bools, false).unwrap(),
            [true, false, true]
        );
        // A Vec-backed buffer is handed over as it is.
        let data = TensorData::new(values.to_vec(), [3]);
        let ptr = data.as_bytes().as_ptr();
        let out = data_into_vec::<f32>(data, false).unwrap();
        assert_eq!(out.as_ptr().cast::<u8>(), ptr);
    }

    #[test]
    fn bool_targets_carry_their_store() {
        for store in [BoolStore::Native, BoolStore::U8, BoolStore::U32] {
            let data = slice_to_data(
                (&[0.0f32, 2.0][..]).into(),
                &[2],
                DType::Bool(store),
                Casting::Unsafe,
            )
            .unwrap();
            assert_eq!(data.dtype, DType::Bool(store));
            assert_eq!(data_into_vec::<u8>(data, false).unwrap(), vec![0, 1]);
        }
    }

    #[test]
    fn exact_errors_name_the_multi_index() {
        let err = slice_to_data(
            (&[1.0f64, 2.0, 3.0, 1e40][..]).into(),
            &[2, 2],
            DType::F32,
            Casting::Exact,
        )
        .unwrap_err();
        match err {
            Error::Inexact { index, .. } => assert_eq!(index, vec![1, 1]),
            other => panic!("unexpected {other}"),
        }
    }
}
