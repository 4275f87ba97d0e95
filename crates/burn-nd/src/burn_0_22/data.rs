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

/// Loads `bytes` into host memory: a lazy device read-back or file is read here, and a failed
/// read is an `Err`, not the panic a `Deref` of the bytes would give.
fn load_host_bytes(bytes: &Bytes) -> Result<(), crate::Error> {
    bytes
        .read(burn_std::Reader::new())
        .map(drop)
        .map_err(crate::Error::backend)
}

/// Loads `bytes` ([`load_host_bytes`]) and says whether they are heap memory that only they
/// hold, so a [`HostBuffer`](crate::HostBuffer) may take them over: Burn's own (`Native`)
/// allocations, and the private copy a copy-on-write made of shared bytes. `false` for
/// memory still shared with another owner (a `bytes::Bytes` from `from_shared_bytes`, a NumPy
/// array: writing it would copy it first, with an allocation that panics when it fails, and
/// keep the shared memory alive), for a device read-back (its host copy is a staging or pinned
/// buffer beside the device memory it came from) and for file-backed bytes.
///
/// After a copy-on-write the bytes hold their private copy and still the memory they shared,
/// so a take-over keeps that owner alive while the buffer lives (no copy: the cost of the
/// zero-copy hand-over of an in-place op's result).
fn exclusive_host_bytes(bytes: &mut Bytes) -> Result<bool, crate::Error> {
    use burn::tensor::AllocationProperty;
    use burn_std::{AccessError, Writer};
    // Asked before the load: a lazy read-back reports `Device` only until it is read.
    let property = bytes.property();
    load_host_bytes(bytes)?;
    if !matches!(
        property,
        AllocationProperty::Native | AllocationProperty::Other
    ) {
        return Ok(false);
    }
    match bytes.write(Writer::new().no_copy()) {
        Ok(_) => Ok(true),
        Err(AccessError::WouldCopy) => Ok(false),
        Err(failed) => Err(crate::Error::backend(failed)),
    }
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
