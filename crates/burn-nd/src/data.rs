//! Conversions between Burn's `TensorData` (any storage dtype) and typed element vectors.

use std::borrow::Cow;

use burn::tensor::{BoolStore, DType, TensorData};
use ndarray::{Array, ArrayBase, ArrayViewD, Data, DataMut, Dimension};

use crate::element::{cast_slice, same_type, same_value, Inexact};
use crate::{can_cast, Casting, Error, NdElement};

/// Fails unless `from` may be cast to `to` under `casting`: [`Error::Quantized`] for a quantized
/// `from`, [`Error::Casting`] where [`can_cast`] says no. Read paths call it before touching the
/// device, so a forbidden cast costs no read-back.
///
/// ```
/// use burn::tensor::DType;
/// use burn_nd::{check_cast, Casting, Error};
///
/// assert!(check_cast(DType::I32, DType::I64, Casting::Safe).is_ok());
/// assert!(matches!(check_cast(DType::F32, DType::I32, Casting::Safe), Err(Error::Casting { .. })));
/// // A quantized dtype is no cast target: quantize with Burn after converting.
/// let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
/// let err = check_cast(DType::F32, q, Casting::Unsafe).unwrap_err();
/// assert!(matches!(err, Error::QuantizedTarget { .. }));
/// assert!(err.to_string().starts_with("cannot convert to the quantized dtype"));
/// ```
pub fn check_cast(from: DType, to: DType, casting: Casting) -> Result<(), Error> {
    if let DType::QFloat(_) = from {
        return Err(Error::Quantized { dtype: from });
    }
    if let DType::QFloat(_) = to {
        return Err(Error::QuantizedTarget { dtype: to });
    }
    // Every mode allows a dtype to itself; the shortcut keeps the common read cheap.
    if from == to || can_cast(from, to, casting) {
        Ok(())
    } else {
        Err(Error::Casting { from, to, casting })
    }
}

/// The row-major multi-index of flat position `flat` in `shape`.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (i, &n) in shape.iter().enumerate().rev() {
        if n > 0 {
            index[i] = flat % n;
            flat /= n;
        }
    }
    index
}

fn inexact(shape: &[usize], to: DType) -> impl FnOnce(Inexact) -> Error + '_ {
    move |(flat, value)| Error::Inexact {
        index: unravel(flat, shape),
        value,
        to,
    }
}

/// The data's elements, in order, as `E`. The caller has checked the cast on the tensor's
/// logical dtype; `data.dtype` is the storage dtype the backend read back, which may be wider
/// (tch reads every Int as i64, cube reads Bool as u32). Casting the stored values with `as`
/// semantics gives the same result as casting the logical values, since they fit the logical
/// dtype; under `Exact` every stored value is checked.
pub(crate) fn data_into_vec<E: NdElement>(data: TensorData, exact: bool) -> Result<Vec<E>, Error> {
    if data.dtype == E::DTYPE {
        // Same type: the buffer is handed over when the backend allows it (burn-ndarray, tch).
        // Otherwise (wgpu's read-back) one copy by `fast::copy`, whose large buffers use huge
        // pages, not by Burn's `into_vec`, whose `to_vec` faults in every 4 KiB page.
        let TensorData {
            bytes,
            shape,
            dtype,
        } = data;
        return match bytes.try_into_vec::<E>() {
            Ok(values) => Ok(values),
            Err(bytes) => {
                let data = TensorData::from_bytes(bytes, shape, dtype);
                Ok(crate::fast::copy(
                    data.as_slice::<E>().map_err(Error::backend)?,
                ))
            }
        };
    }
    let shape = data.shape.to_vec();
    let err = inexact(&shape, E::DTYPE);
    macro_rules! cast_from {
        ($s:ty) => {
            cast_slice::<$s, E>(data.as_slice::<$s>().map_err(Error::backend)?, exact).map_err(err)
        };
    }
    match data.dtype {
        DType::F64 => cast_from!(f64),
        DType::F32 => cast_from!(f32),
        DType::Flex32 => {
            let s = bytemuck::try_cast_slice::<u8, f32>(data.as_bytes()).map_err(Error::backend)?;
            cast_slice::<f32, E>(s, exact).map_err(err)
        }
        DType::F16 => cast_from!(burn::tensor::f16),
        DType::BF16 => cast_from!(burn::tensor::bf16),
        DType::I64 => cast_from!(i64),
        DType::I32 => cast_from!(i32),
        DType::I16 => cast_from!(i16),
        DType::I8 => cast_from!(i8),
        DType::U64 => cast_from!(u64),
        DType::U32 | DType::Bool(BoolStore::U32) => cast_from!(u32),
        DType::U16 => cast_from!(u16),
        DType::U8 | DType::Bool(BoolStore::U8) => cast_from!(u8),
        // Native bools are bytes holding 0 or 1; reading them as u8 avoids trusting that
        // invariant, and 0/1 casts to every type as false/true would.
        DType::Bool(BoolStore::Native) => cast_slice::<u8, E>(data.as_bytes(), exact).map_err(err),
        DType::QFloat(_) => Err(Error::Quantized { dtype: data.dtype }),
    }
}

/// The elements of `array` in logical (row-major) order: borrowed when it is in standard
/// layout, else gathered once.
pub(crate) fn logical_values<A: Copy, S: Data<Elem = A>, Dm: Dimension>(
    array: &ArrayBase<S, Dm>,
) -> Cow<'_, [A]> {
    match array.as_slice() {
        Some(values) => Cow::Borrowed(values),
        None => Cow::Owned(array.iter().copied().collect()),
    }
}

/// `values` (row-major) as an array of `shape` with dimension type `Dm`: [`Error::Rank`] when
/// `Dm` is a static dimension of another rank. A static `Dm` spares the cost of an `IxDyn`
/// (about as much as a 1 KiB memcpy) for callers that want `Array2` and the like.
pub(crate) fn shaped<E, Dm: Dimension>(
    shape: &[usize],
    values: Vec<E>,
) -> Result<Array<E, Dm>, Error> {
    if let Some(expected) = Dm::NDIM.filter(|&n| n != shape.len()) {
        return Err(Error::Rank {
            got: shape.len(),
            expected,
        });
    }
    let mut dim = Dm::zeros(shape.len());
    dim.slice_mut().copy_from_slice(shape);
    // The reader produced exactly shape.product() values; a mismatch would be its bug.
    Array::from_shape_vec(dim, values).map_err(Error::backend)
}

/// `array` as an array of dimension `Dm` in standard layout, cast under `casting`.
pub(crate) fn cast_array<A: NdElement, E: NdElement, Dm: Dimension>(
    array: &ArrayViewD<'_, A>,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    check_cast(A::DTYPE, E::DTYPE, casting)?;
    read_array(array, casting == Casting::Exact)
}

/// `array` (a backend tensor's memory) as an array of dimension `Dm` in standard layout, its
/// values cast with `as` semantics, each checked when `exact`. The caller has checked the cast
/// on the tensor's logical dtype.
pub(crate) fn read_array<A: NdElement, E: NdElement, Dm: Dimension>(
    array: &ArrayViewD<'_, A>,
    exact: bool,
) -> Result<Array<E, Dm>, Error> {
    let out = cast_slice::<A, E>(&logical_values(array), exact)
        .map_err(inexact(array.shape(), E::DTYPE))?;
    shaped(array.shape(), out)
}

/// Writes `src` into `out` (the same shape) when both hold the same element type: one
/// `memcpy` where both are contiguous in standard order, ndarray's element-wise (strided)
/// assignment otherwise. `false`, writing nothing, for different element types.
pub(crate) fn assign_same<A: NdElement, E: NdElement, S: DataMut<Elem = E>, Dm: Dimension>(
    src: &ArrayViewD<'_, A>,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    if std::any::TypeId::of::<A>() != std::any::TypeId::of::<E>() {
        return false;
    }
    let Ok(src) = src.view().into_dimensionality::<Dm>() else {
        return false;
    };
    if let (Some(from), Some(to)) = (src.as_slice(), out.as_slice_mut()) {
        if let Some(from) = same_type::<A, E>(from) {
            to.copy_from_slice(from);
            return true;
        }
    }
    out.zip_mut_with(&src, |o, s| {
        if let Some(&s) = same_value::<A, E>(s) {
            *o = s;
        }
    });
    true
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
    let exact = casting == Casting::Exact;
    let err = inexact(shape, target);
    let shape = shape.to_vec();
    macro_rules! build {
        ($t:ty) => {
            TensorData::new(cast_slice::<A, $t>(src, exact).map_err(err)?, shape)
        };
    }
    Ok(match target {
        DType::F64 => build!(f64),
        DType::F32 | DType::Flex32 => build!(f32),
        DType::F16 => build!(burn::tensor::f16),
        DType::BF16 => build!(burn::tensor::bf16),
        DType::I64 => build!(i64),
        DType::I32 => build!(i32),
        DType::I16 => build!(i16),
        DType::I8 => build!(i8),
        DType::U64 => build!(u64),
        DType::U32 => build!(u32),
        DType::U16 => build!(u16),
        DType::U8 => build!(u8),
        DType::Bool(store) => {
            let bools = cast_slice::<A, bool>(src, exact).map_err(err)?;
            let mut data = match store {
                BoolStore::Native => TensorData::new(bools, shape),
                BoolStore::U8 => TensorData::new(bools.into_iter().map(u8::from).collect(), shape),
                BoolStore::U32 => {
                    TensorData::new(bools.into_iter().map(u32::from).collect(), shape)
                }
            };
            data.dtype = target;
            data
        }
        DType::QFloat(_) => return Err(Error::QuantizedTarget { dtype: target }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

    /// Exact errors print values in the shortest form that reads back, with an exponent
    /// where Python's `repr` uses one: not 301 digits for 1e300, nor 45 zeros for a subnormal.
    #[test]
    fn inexact_values_print_short() {
        let msg = |values: Vec<f64>, to: DType| {
            let array = crate::DynArray::from(
                ndarray::ArrayD::from_shape_vec(vec![values.len()], values).unwrap(),
            );
            array.cast(to, Casting::Exact).unwrap_err().to_string()
        };
        assert_eq!(
            msg(vec![1.0, 1e300], DType::F32),
            "value 1e+300 at index [1] cannot be represented exactly as float32"
        );
        assert_eq!(
            msg(vec![f64::from(f32::from_bits(1))], DType::F16),
            "value 1.401298464324817e-45 at index [0] cannot be represented exactly as float16"
        );
        assert_eq!(
            msg(vec![2.5], DType::I64),
            "value 2.5 at index [0] cannot be represented exactly as int64"
        );
    }

    /// A quantized dtype as a cast's target is named as such, not as a quantized source.
    #[test]
    fn a_quantized_target_is_its_own_error() {
        let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
        let array = crate::DynArray::from(ndarray::ArrayD::<f32>::zeros(vec![2]));
        let err = array.cast(q, Casting::Unsafe).unwrap_err();
        assert!(matches!(err, Error::QuantizedTarget { .. }), "{err}");
    }

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, &[2, 3]), vec![0, 0]);
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(7, &[2, 3, 4]), vec![0, 1, 3]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
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
    fn static_shapes_check_the_rank() {
        let a: Array<i32, ndarray::Ix2> = shaped(&[2, 1], vec![1, 2]).unwrap();
        assert_eq!(a, ndarray::array![[1], [2]]);
        match shaped::<i32, ndarray::Ix2>(&[2], vec![1, 2]) {
            Err(Error::Rank { got, expected }) => assert_eq!((got, expected), (1, 2)),
            other => panic!("unexpected {other:?}"),
        }
        let d: Array<i32, IxDyn> = shaped(&[1, 2, 1], vec![1, 2]).unwrap();
        assert_eq!(d.shape(), &[1, 2, 1]);
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
