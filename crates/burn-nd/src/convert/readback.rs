//! Read-back paths that pay on device backends such as wgpu, where reading a tensor means
//! waiting for the device and moving bytes across the bus, written once for both Burn lines:
//! each line implements the hidden methods of [`ToNdarrayAsync`] and [`TensorDataLike`].
//!
//! | you want | use |
//! |---|---|
//! | to await the read-back instead of blocking a thread | [`ToNdarrayAsync::into_ndarray_async`] |
//! | many tensors in one device sync | [`read_batch`] (a Burn `Transaction`) |
//! | to convert data read some other way | [`ndarray_from_data`] |

use std::future::Future;

use ndarray::ArrayD;

use crate::check::check_cast;
use crate::{Casting, DTypeLike, Error, NdElement};

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Either Burn line's `TensorData`: what [`ndarray_from_data`] converts.
///
/// ```
/// use burn::tensor::TensorData;
/// use burn_nd::TensorDataLike;
///
/// fn takes(_: impl TensorDataLike) {}
/// takes(TensorData::new(vec![1.0f32], [1]));
/// ```
pub trait TensorDataLike: sealed::Sealed {
    /// The values as an array, cast under `casting` (the caller has checked the cast on the
    /// logical dtype).
    #[doc(hidden)]
    fn into_array<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error>;
}

/// Converts data read back from a tensor whose logical dtype is `logical` into an array,
/// casting under `casting`: the building block for read paths that get their `TensorData`
/// elsewhere (`into_data_async`, a `Transaction`). Takes either Burn line's data and dtype.
///
/// The data's dtype may be a wider storage type than `logical` (tch reads every Int as i64,
/// cube reads Bool as u32); the cast rules apply to `logical`.
///
/// ```
/// use burn::tensor::{DType, Device, Tensor, TensorData, Transaction};
/// use burn_nd::{ndarray_from_data, Casting};
///
/// let device = Device::flex();
/// let a = Tensor::<1>::from_floats([1.0, 2.0], &device);
/// let b = Tensor::<1>::from_floats([3.5], &device);
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
    data: impl TensorDataLike,
    logical: impl DTypeLike,
    casting: Casting,
) -> Result<ArrayD<E>, Error> {
    check_cast(logical, E::DTYPE, casting)?;
    data.into_array(casting)
}

/// Awaitable conversion of any tensor (Float, Int or Bool, either Burn line, any device) into
/// an `ArrayD`, and the hidden pieces [`read_batch`] is built on.
///
/// ```
/// use burn::tensor::Tensor;
/// use burn_nd::{Casting, ToNdarrayAsync};
///
/// async fn mean(t: Tensor<1>) -> Result<f64, burn_nd::Error> {
///     let a = t.into_ndarray_async::<f64>(Casting::Safe).await?;
///     Ok(a.mean().unwrap_or(0.0))
/// }
/// ```
pub trait ToNdarrayAsync: sealed::Sealed + Sized + Send {
    /// The line's `TensorData`.
    #[doc(hidden)]
    type Data: TensorDataLike;
    /// The line's `DType`.
    #[doc(hidden)]
    type DType: DTypeLike + Send;

    /// The tensor's logical dtype.
    #[doc(hidden)]
    fn logical_dtype(&self) -> Self::DType;

    /// The backend's awaited read-back.
    #[doc(hidden)]
    fn data_async(self) -> impl Future<Output = Result<Self::Data, Error>> + Send;

    /// The backend's read-back of every tensor in one device sync (a Burn `Transaction`), in
    /// order.
    #[doc(hidden)]
    fn data_batch(tensors: Vec<Self>) -> Result<Vec<Self::Data>, Error>;

    /// Consumes the tensor and awaits its read-back (`Tensor::into_data_async`), then casts
    /// under `casting` exactly as [`ToNdarray::into_ndarray_dyn_with`](crate::ToNdarray)
    /// does. A cast that `casting` forbids fails before anything is read.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use burn_nd::{Casting, ToNdarrayAsync};
    ///
    /// let t = Tensor::<1>::from_floats([1.5], &Device::flex());
    /// let a = pollster::block_on(t.into_ndarray_async::<f32>(Casting::No))?;
    /// assert_eq!(a[0], 1.5);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_async<E: NdElement>(
        self,
        casting: Casting,
    ) -> impl Future<Output = Result<ArrayD<E>, Error>> + Send {
        let logical = self.logical_dtype();
        let checked = check_cast(logical, E::DTYPE, casting);
        async move {
            checked?;
            let data = self.data_async().await?;
            ndarray_from_data(data, logical, casting)
        }
    }
}

/// Reads many tensors (either Burn line) with one device sync (a Burn `Transaction`), as
/// arrays of `E`.
///
/// Every cast is checked before anything is read; the arrays come back in input order.
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::{read_batch, Casting};
///
/// let device = Device::flex();
/// let parts: Vec<Tensor<1, Int>> = (0..4).map(|i| Tensor::arange(i..i + 3, &device)).collect();
/// let arrays = read_batch::<i64, _>(parts, Casting::Safe)?;
/// assert_eq!(arrays[3].iter().copied().collect::<Vec<_>>(), vec![3, 4, 5]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn read_batch<E, T>(
    tensors: impl IntoIterator<Item = T>,
    casting: Casting,
) -> Result<Vec<ArrayD<E>>, Error>
where
    E: NdElement,
    T: ToNdarrayAsync,
{
    let tensors: Vec<T> = tensors.into_iter().collect();
    let dtypes = tensors
        .iter()
        .map(|t| {
            let dtype = t.logical_dtype();
            check_cast(dtype, E::DTYPE, casting).map(|()| dtype)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if tensors.is_empty() {
        return Ok(Vec::new());
    }
    let data = T::data_batch(tensors)?;
    dtypes
        .into_iter()
        .zip(data)
        .map(|(dtype, data)| ndarray_from_data(data, dtype, casting))
        .collect()
}
