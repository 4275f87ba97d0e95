//! Burn 0.22's `TensorData` (any storage dtype) to typed element vectors.

use burn22::tensor::{DType, TensorData};

use crate::base::array::cast_stored;
use crate::{Error, NdElement};

/// The data's elements, in order, as `E`. The caller has checked the cast on the tensor's
/// logical dtype; the data's dtype is the storage dtype the backend read back, which may be
/// wider. Same type: the buffer is handed over when its alignment allows, else copied once.
pub(crate) fn data_into_vec<E: NdElement>(data: TensorData, exact: bool) -> Result<Vec<E>, Error> {
    let (bytes, shape, dtype) = data.into_parts();
    if dtype == DType::from(E::DTYPE) {
        return match bytes.try_into_vec::<E>() {
            Ok(values) => Ok(values),
            Err(bytes) => cast_stored(&bytes, E::DTYPE, &shape, false),
        };
    }
    cast_stored(
        &bytes,
        crate::burn_0_22::dtype::stored(dtype)?,
        &shape,
        exact,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn22::tensor::BoolStore;

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
