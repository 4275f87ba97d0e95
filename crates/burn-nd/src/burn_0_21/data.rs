//! Burn 0.21's `TensorData` (any storage dtype) to typed element vectors and back.

use burn::tensor::{BoolStore, Bytes, DType, TensorData};

use crate::base::array::{cast_stored, inexact};
use crate::base::casting::check_cast;
use crate::base::dtype::target_dtype;
use crate::base::element::cast_slice;
use crate::{Casting, Error, NdElement};

/// The data's elements, in order, as `E`. The caller has checked the cast on the tensor's
/// logical dtype; `data.dtype` is the storage dtype the backend read back, which may be wider
/// (tch reads every Int as i64, cube reads Bool as u32). Casting the stored values with `as`
/// semantics gives the same result as casting the logical values, since they fit the logical
/// dtype; under `Exact` every stored value is checked.
pub(crate) fn data_into_vec<E: NdElement>(data: TensorData, exact: bool) -> Result<Vec<E>, Error> {
    let TensorData {
        bytes,
        shape,
        dtype,
    } = data;
    // The stored dtype itself, not its logical one: a bool stored as u32 is no `Vec<bool>`.
    if dtype == DType::from(E::DTYPE) {
        // Same type: the buffer is handed over when the backend allows it (burn-ndarray, tch).
        // Otherwise (wgpu's read-back) one copy by `fast::copy`, whose large buffers use huge
        // pages, not by Burn's `into_vec`, whose `to_vec` faults in every 4 KiB page.
        return match bytes.try_into_vec::<E>() {
            Ok(values) => Ok(values),
            Err(bytes) => cast_stored(&bytes, E::DTYPE, &shape, false),
        };
    }
    cast_stored(
        &bytes,
        crate::burn_0_21::dtype::stored(dtype)?,
        &shape,
        exact,
    )
}

/// `data` of `values` and `shape`, handing the vector's buffer to Burn without a copy.
fn vec_data<E: NdElement>(values: Vec<E>, shape: Vec<usize>, dtype: DType) -> TensorData {
    TensorData::from_bytes(Bytes::from_elems(values), shape, dtype)
}

/// `src` (row-major, of `shape`) cast to `target` as tensor data whose dtype is exactly
/// `target`, so Burn's own (panicking) conversion never runs. `Flex32` is built as f32 data.
pub(crate) fn slice_to_data<A: NdElement>(
    src: &[A],
    shape: &[usize],
    target: DType,
    casting: Casting,
) -> Result<TensorData, Error> {
    check_cast(A::DTYPE, target, casting)?;
    let nd = target_dtype(target)?;
    let exact = casting == Casting::Exact;
    let err = inexact(shape, nd);
    let shape = shape.to_vec();
    Ok(match target {
        DType::Bool(store) => {
            let bools = cast_slice::<A, bool>(src, exact).map_err(err)?;
            match store {
                BoolStore::Native => vec_data(bools, shape, target),
                BoolStore::U8 => vec_data(bools.into_iter().map(u8::from).collect(), shape, target),
                BoolStore::U32 => {
                    vec_data(bools.into_iter().map(u32::from).collect(), shape, target)
                }
            }
        }
        _ => for_nd_dtype!(nd, T => vec_data(
            cast_slice::<A, T>(src, exact).map_err(err)?,
            shape,
            DType::from(nd),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantized dtype as a cast's target is named as such, not as a quantized source.
    #[test]
    fn a_quantized_target_is_its_own_error() {
        let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
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
            let data =
                slice_to_data(&[0.0f32, 2.0], &[2], DType::Bool(store), Casting::Unsafe).unwrap();
            assert_eq!(data.dtype, DType::Bool(store));
            assert_eq!(data_into_vec::<u8>(data, false).unwrap(), vec![0, 1]);
        }
    }

    #[test]
    fn exact_errors_name_the_multi_index() {
        let err = slice_to_data(
            &[1.0f64, 2.0, 3.0, 1e40],
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
