//! Burn 0.22 as a [`Line`]: its `TensorData`, `Bytes` and `DType` as burn-nd's conversions
//! use them.

use burn::tensor::{AllocationProperty, Bytes, DType, TensorData};
use burn_std::{AccessError, Reader, Writer};

use crate::line::{BoolStore, Line};
use crate::{Error, NdElement};

/// The Burn 0.22 line.
pub(crate) struct Line022;

impl Line for Line022 {
    type DType = DType;
    type Data = TensorData;
    type Bytes = Bytes;

    fn bool_store(dtype: DType) -> Option<BoolStore> {
        super::dtype::bool_store(dtype)
    }

    fn into_parts(data: TensorData) -> (Bytes, Vec<usize>, DType) {
        let (bytes, shape, dtype) = data.into_parts();
        (bytes, shape.to_vec(), dtype)
    }

    fn shape(data: &TensorData) -> &[usize] {
        data.shape()
    }

    fn from_bytes(bytes: Bytes, shape: Vec<usize>, dtype: DType) -> TensorData {
        TensorData::from_bytes(bytes, shape, dtype)
    }

    fn bytes_from_vec<E: NdElement>(values: Vec<E>) -> Bytes {
        Bytes::from_elems(values)
    }

    fn bytes_from_byte_vec(bytes: Vec<u8>) -> Bytes {
        Bytes::from_bytes_vec(bytes)
    }

    fn bytes_from_shared(bytes: bytes::Bytes) -> Bytes {
        Bytes::from_shared(bytes, AllocationProperty::Other)
    }

    fn bytes_into_vec<E: NdElement>(bytes: Bytes) -> Result<Vec<E>, Bytes> {
        bytes.try_into_vec::<E>()
    }

    fn load_host_bytes(bytes: &Bytes) -> Result<(), Error> {
        bytes.read(Reader::new()).map(drop).map_err(Error::backend)
    }

    /// Burn's own (`Native`) allocations, and the private copy a copy-on-write made of shared
    /// bytes. `false` for memory still shared with another owner (a `bytes::Bytes` from
    /// `from_shared_bytes`, a NumPy array: writing it would copy it first, with an allocation
    /// that panics when it fails, and keep the shared memory alive), for a device read-back
    /// (its host copy is a staging or pinned buffer beside the device memory it came from) and
    /// for file-backed bytes.
    ///
    /// After a copy-on-write the bytes hold their private copy and still the memory they
    /// shared, so a take-over keeps that owner alive while the buffer lives (no copy: the cost
    /// of the zero-copy hand-over of an in-place op's result).
    fn exclusive_host_bytes(bytes: &mut Bytes) -> Result<bool, Error> {
        // Asked before the load: a lazy read-back reports `Device` only until it is read.
        let property = bytes.property();
        Self::load_host_bytes(bytes)?;
        if !matches!(
            property,
            AllocationProperty::Native | AllocationProperty::Other
        ) {
            return Ok(false);
        }
        match bytes.write(Writer::new().no_copy()) {
            Ok(_) => Ok(true),
            Err(AccessError::WouldCopy) => Ok(false),
            Err(failed) => Err(Error::backend(failed)),
        }
    }
}

impl crate::convert::readback::sealed::Sealed for TensorData {}

impl crate::TensorDataLike for TensorData {
    fn into_array<E: NdElement>(
        self,
        casting: crate::Casting,
    ) -> Result<ndarray::ArrayD<E>, Error> {
        crate::convert::data::array_from_data::<Line022, E, _>(self, casting)
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{BoolStore, DType, TensorData};

    use super::Line022;
    use crate::Error;

    fn data_into_vec<E: crate::NdElement>(data: TensorData, exact: bool) -> Result<Vec<E>, Error> {
        crate::convert::data::data_into_vec::<Line022, E>(data, exact)
    }

    #[test]
    fn dtypes_map_both_ways() {
        use crate::line::BoolStore as Store;
        crate::line::tests::dtypes_map_both_ways::<Line022>([
            (DType::Bool(BoolStore::Native), Store::Native),
            (DType::Bool(BoolStore::U8), Store::U8),
            (DType::Bool(BoolStore::U32), Store::U32),
        ]);
    }

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
