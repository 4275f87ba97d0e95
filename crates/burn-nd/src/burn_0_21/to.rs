//! Tensor → ndarray on the Burn 0.21 line: [`ToNdarray`] for `Tensor<B, D, K>`.

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Tensor};
use ndarray::{Array, ArrayBase, ArrayD, DataMut, Dimension};

use burn021::tensor::TensorData;

use crate::backend::check_cast;
use crate::base::array::shaped;
use crate::base::to::sealed;
use crate::burn_0_21::data::data_into_vec;
use crate::{Casting, DTypeLike, Error, NdElement, ToNdarray};

/// Converts data read back from a tensor whose logical dtype is `logical` into an array,
/// casting under `casting`: the building block for read paths that get their [`TensorData`]
/// elsewhere (`into_data_async`, a `Transaction`).
///
/// `data.dtype` may be a wider storage type than `logical` (tch reads every Int as i64, cube
/// reads Bool as u32); the cast rules apply to `logical`.
///
/// ```
/// # use burn021 as burn;
/// use burn::tensor::{DType, TensorData, Transaction, Tensor};
/// use burn_nd::{ndarray_from_data, Casting};
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let a = Tensor::<NdArray, 1>::from_floats([1.0, 2.0], &device);
/// let b = Tensor::<NdArray, 1>::from_floats([3.5], &device);
/// let (da, db) = (a.dtype(), b.dtype());
/// let mut read = Transaction::default().register(a).register(b).execute().into_iter();
/// let a = ndarray_from_data::<f64>(read.next().unwrap(), da, Casting::Safe)?;
/// let b = ndarray_from_data::<f64>(read.next().unwrap(), db, Casting::Safe)?;
/// assert_eq!((a[1], b[0]), (2.0, 3.5));
/// let raw = TensorData::new(vec![-1i64, 300], [2]);
/// assert!(ndarray_from_data::<u8>(raw, DType::I64, Casting::Exact).is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn ndarray_from_data<E: NdElement>(
    data: TensorData,
    logical: impl DTypeLike,
    casting: Casting,
) -> Result<ArrayD<E>, Error> {
    check_cast(logical, E::DTYPE, casting)?;
    array_from_data(data, casting)
}

/// [`ndarray_from_data`] for any dimension type, for a caller that has checked the cast.
fn array_from_data<E: NdElement, Dm: Dimension>(
    data: TensorData,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    let shape = data.shape.to_vec();
    let values = data_into_vec::<E>(data, casting == Casting::Exact)?;
    shaped(&shape, values)
}

/// Reads `tensor` into an array of dimension `Dm` (`IxDyn` or the tensor's static one),
/// casting under `casting`: the one read path behind every method of [`ToNdarray`].
fn read<B, const D: usize, K, E, Dm>(
    tensor: Tensor<B, D, K>,
    casting: Casting,
) -> Result<Array<E, Dm>, Error>
where
    B: Backend,
    K: BasicOps<B>,
    K::Primitive: 'static,
    E: NdElement,
    Dm: Dimension,
{
    let logical = tensor.dtype();
    check_cast(logical, E::DTYPE, casting)?;
    #[cfg(any(feature = "ndarray", feature = "tch"))]
    let tensor = {
        let primitive = tensor.into_primitive();
        if let Some(result) =
            crate::burn_0_21::direct::read_copy::<B, _, E, Dm>(&primitive, casting)
        {
            return result;
        }
        Tensor::<B, D, K>::from_primitive(primitive)
    };
    let data = tensor.try_into_data().map_err(Error::backend)?;
    array_from_data(data, casting)
}

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

// The `&self` forms read a clone: one reference count. `read` checks the cast before any
// read, so a forbidden cast costs no copy either way.
impl<B: Backend, const D: usize, K: BasicOps<B>> ToNdarray<D> for Tensor<B, D, K>
where
    K::Primitive: 'static,
{
    fn nd_dtype(&self) -> Result<crate::NdDType, Error> {
        crate::backend::logical_dtype(self.dtype())
    }

    fn nd_shape(&self) -> Vec<usize> {
        self.shape().to_vec()
    }

    fn read_array<E: NdElement, Dm: Dimension>(
        self,
        casting: Casting,
    ) -> Result<Array<E, Dm>, Error> {
        read(self, casting)
    }

    fn copy_direct<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> Result<bool, Error>
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        #[cfg(any(feature = "ndarray", feature = "tch"))]
        if crate::burn_0_21::direct::copy_into::<B, _, E, S, Dm>(
            &self.clone().into_primitive(),
            out,
        ) {
            return Ok(true);
        }
        let _ = out;
        Ok(false)
    }
}
