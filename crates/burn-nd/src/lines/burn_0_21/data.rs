//! Burn 0.21 as a [`Line`]: its `TensorData`, `Bytes` and `DType` as burn-nd's conversions
//! use them.

use burn021::tensor::{AllocationProperty, Bytes, DType, TensorData};

use crate::line::{BoolStore, Line};
use crate::{Error, NdElement};

/// The Burn 0.21 line.
pub(crate) struct Line021;

impl Line for Line021 {
    type DType = DType;
    type Data = TensorData;
    type Bytes = Bytes;

    fn bool_store(dtype: DType) -> Option<BoolStore> {
        super::dtype::bool_store(dtype)
    }

    /// The fields are public on this line.
    fn into_parts(data: TensorData) -> (Bytes, Vec<usize>, DType) {
        let TensorData {
            bytes,
            shape,
            dtype,
        } = data;
        (bytes, shape.to_vec(), dtype)
    }

    fn shape(data: &TensorData) -> &[usize] {
        &data.shape
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

    /// Nothing to do on this line: cubecl-common 0.10's `Bytes` (Burn 0.21) offer no fallible
    /// read, so file-backed bytes are read on first access and a failed read panics there.
    fn load_host_bytes(_bytes: &Bytes) -> Result<(), Error> {
        Ok(())
    }

    /// Only Burn's own heap allocations (`Native`). Shared bytes (`Other`: a `bytes::Bytes`
    /// from `from_shared_bytes`, a NumPy array) would be copied through Burn's copy-on-write
    /// (an allocation that panics when it fails) and keep their owner alive, and
    /// cubecl-common 0.10 cannot tell whether that copy already happened (an in-place op's
    /// result); pinned staging buffers and file-backed bytes are not plain heap memory. All of
    /// those are copied into a buffer of their own; Burn 0.22 hands an in-place result over
    /// without a copy.
    fn exclusive_host_bytes(bytes: &mut Bytes) -> Result<bool, Error> {
        Ok(bytes.property() == AllocationProperty::Native)
    }
}

impl crate::convert::readback::sealed::Sealed for TensorData {}

impl crate::TensorDataLike for TensorData {
    fn into_array<E: NdElement>(
        self,
        casting: crate::Casting,
    ) -> Result<ndarray::ArrayD<E>, Error> {
        crate::convert::data::array_from_data::<Line021, E, _>(self, casting)
    }
}

#[cfg(test)]
mod tests {
    use burn021::tensor::{BoolStore, DType, TensorData};

    use super::Line021;
    use crate::{Casting, Error};

    fn data_into_vec<E: crate::NdElement>(data: TensorData, exact: bool) -> Result<Vec<E>, Error> {
        crate::convert::data::data_into_vec::<Line021, E>(data, exact)
    }

    fn slice_to_data<A: crate::NdElement>(
        src: std::borrow::Cow<'_, [A]>,
        shape: &[usize],
        target: DType,
        casting: Casting,
    ) -> Result<TensorData, Error> {
        crate::convert::data::slice_to_data::<Line021, A>(src, shape, target, casting)
    }

    #[test]
    fn dtypes_map_both_ways() {
        use crate::line::BoolStore as Store;
        crate::line::tests::dtypes_map_both_ways::<Line021>([
            (DType::Bool(BoolStore::Native), Store::Native),
            (DType::Bool(BoolStore::U8), Store::U8),
            (DType::Bool(BoolStore::U32), Store::U32),
        ]);
    }

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
