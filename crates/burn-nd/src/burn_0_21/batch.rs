//! Read-back paths that pay on device backends such as burn-wgpu, where reading a tensor means
//! waiting for the device and moving bytes across the bus; generic over every backend.
//!
//! | you want | use |
//! |---|---|
//! | to await the read-back instead of blocking a thread | [`ToNdarrayAsync::into_ndarray_async`] |
//! | many tensors in one device sync | [`read_batch`] (a Burn `Transaction`) |
//! | fewer bytes across the bus when the target type is narrower | [`NarrowRead::into_ndarray_narrow`] |

use std::future::Future;

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Bool, DType, Float, FloatDType, IntDType, Tensor, Transaction};
use burn_backend::tensor::TransactionOp;
use ndarray::ArrayD;

use crate::backend::check_cast;
use crate::{ndarray_from_data, Casting, Error, NdDType, NdElement, ToNdarray};

mod sealed {
    pub trait Sealed {}
}

/// Awaitable conversion of any tensor into an `ArrayD`.
///
/// ```
/// # use burn021 as burn;
/// use burn::tensor::Tensor;
/// use burn_nd::Casting;
/// use burn_nd::ToNdarrayAsync;
/// use burn_ndarray::NdArray;
///
/// async fn mean(t: Tensor<NdArray, 1>) -> Result<f64, burn_nd::Error> {
///     let a = t.into_ndarray_async::<f64>(Casting::Safe).await?;
///     Ok(a.mean().unwrap_or(0.0))
/// }
/// ```
pub trait ToNdarrayAsync: sealed::Sealed {
    /// Consumes the tensor and awaits its read-back (`Tensor::into_data_async`), then casts
    /// under `casting` exactly as [`ToNdarray::into_ndarray_dyn_with`] does.
    ///
    /// ```
    /// # use burn021 as burn;
    /// use burn::tensor::Tensor;
    /// use burn_nd::Casting;
    /// use burn_nd::ToNdarrayAsync;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1>::from_floats([1.5], &Default::default());
    /// let a = pollster::block_on(t.into_ndarray_async::<f32>(Casting::No))?;
    /// assert_eq!(a[0], 1.5);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_async<E: NdElement>(
        self,
        casting: Casting,
    ) -> impl Future<Output = Result<ArrayD<E>, Error>> + Send;
}

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<B: Backend, const D: usize, K: BasicOps<B>> ToNdarrayAsync for Tensor<B, D, K> {
    fn into_ndarray_async<E: NdElement>(
        self,
        casting: Casting,
    ) -> impl Future<Output = Result<ArrayD<E>, Error>> + Send {
        let logical = self.dtype();
        let checked = check_cast(logical, E::DTYPE, casting);
        async move {
            checked?;
            let data = self.into_data_async().await.map_err(Error::backend)?;
            ndarray_from_data(data, logical, casting)
        }
    }
}

/// Reads many tensors with one device sync (a Burn `Transaction`), as arrays of `E`.
///
/// Every cast is checked before anything is read; the arrays come back in input order.
///
/// ```
/// # use burn021 as burn;
/// use burn::tensor::{Int, Tensor};
/// use burn_nd::Casting;
/// use burn_nd::read_batch;
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let parts: Vec<Tensor<NdArray, 1, Int>> = (0..4).map(|i| Tensor::arange(i..i + 3, &device)).collect();
/// let arrays = read_batch::<i64, _, 1, _>(parts, Casting::Safe)?;
/// assert_eq!(arrays[3].iter().copied().collect::<Vec<_>>(), vec![3, 4, 5]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn read_batch<E, B, const D: usize, K>(
    tensors: impl IntoIterator<Item = Tensor<B, D, K>>,
    casting: Casting,
) -> Result<Vec<ArrayD<E>>, Error>
where
    E: NdElement,
    B: Backend,
    K: BasicOps<B> + TransactionOp<B>,
{
    let mut transaction = Transaction::<B>::default();
    let mut dtypes = Vec::new();
    for tensor in tensors {
        let dtype = tensor.dtype();
        check_cast(dtype, E::DTYPE, casting)?;
        dtypes.push(dtype);
        transaction = transaction.register(tensor);
    }
    if dtypes.is_empty() {
        return Ok(Vec::new());
    }
    let data = transaction.try_execute().map_err(Error::backend)?;
    dtypes
        .into_iter()
        .zip(data)
        .map(|(dtype, data)| ndarray_from_data(data, dtype, casting))
        .collect()
}

/// Read-back that narrows on the device first when the target type is smaller, so fewer
/// bytes cross the bus: f32/f64 → f16 or bf16 (Float tensors), bool → u8 (Bool tensors).
///
/// The device cast is used only where its result is the one the host cast would give:
/// float → float rounding (round to nearest even, overflow to ±inf, NaN kept as a NaN, though
/// its payload bits may differ from the host cast's) and 0/1 bools,
/// only under [`Casting::SameKind`] / [`Casting::Unsafe`] (Exact needs the wide values to
/// check), and only when the backend supports the narrow dtype on the tensor's device. In
/// every other case this is [`ToNdarray::into_ndarray_dyn_with`].
///
/// It pays where bytes cross a bus (a discrete GPU), and costs where they do not: on a CPU
/// adapter such as lavapipe the device cast is slower than the host's, so prefer
/// `to_ndarray_with` there (BENCHMARKS.md has the read-back measurements).
///
/// ```
/// # use burn021 as burn;
/// use burn::tensor::{Bool, Tensor};
/// use burn_nd::Casting;
/// use burn_nd::NarrowRead;
/// use burn_ndarray::NdArray;
///
/// let b = Tensor::<NdArray, 1, Bool>::from_bool([true, false].into(), &Default::default());
/// assert_eq!(b.into_ndarray_narrow::<u8>(Casting::Safe)?.into_iter().collect::<Vec<_>>(), vec![1, 0]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait NarrowRead: sealed::Sealed + Sized {
    /// Consumes the tensor into an `ArrayD<E>`, narrowing on the device where that is exact
    /// to do (see the trait docs).
    ///
    /// ```
    /// # use burn021 as burn;
    /// use burn::tensor::Tensor;
    /// use burn_nd::{half::f16, Casting};
    /// use burn_nd::NarrowRead;
    /// use burn_ndarray::NdArray;
    ///
    /// let t = Tensor::<NdArray, 1>::from_floats([0.1, 1e6], &Default::default());
    /// let h = t.into_ndarray_narrow::<f16>(Casting::SameKind)?;
    /// assert_eq!(h[1], f16::INFINITY);
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error>;
}

impl<B: Backend, const D: usize> NarrowRead for Tensor<B, D, Float> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let target = match E::DTYPE {
            NdDType::F16 => Some(FloatDType::F16),
            NdDType::BF16 => Some(FloatDType::BF16),
            _ => None,
        };
        let wider = matches!(from, DType::F32 | DType::F64 | DType::Flex32);
        let loose = matches!(casting, Casting::SameKind | Casting::Unsafe);
        match target {
            Some(t)
                if wider && loose && B::supports_dtype(&self.device(), DType::from(E::DTYPE)) =>
            {
                let narrow = self.cast(t);
                let dtype = narrow.dtype();
                ndarray_from_data(
                    narrow.try_into_data().map_err(Error::backend)?,
                    dtype,
                    casting,
                )
            }
            _ => self.into_ndarray_dyn_with(casting),
        }
    }
}

impl<B: Backend, const D: usize> NarrowRead for Tensor<B, D, Bool> {
    fn into_ndarray_narrow<E: NdElement>(self, casting: Casting) -> Result<ArrayD<E>, Error> {
        let from = self.dtype();
        check_cast(from, E::DTYPE, casting)?;
        let store_is_wide = matches!(from, DType::Bool(burn021::tensor::BoolStore::U32));
        if E::DTYPE == NdDType::U8 && store_is_wide && B::supports_dtype(&self.device(), DType::U8)
        {
            // 0/1 values: the integer cast on the device is exact.
            let narrow = self.int().cast(IntDType::U8);
            return ndarray_from_data(
                narrow.try_into_data().map_err(Error::backend)?,
                DType::U8,
                casting,
            );
        }
        self.into_ndarray_dyn_with(casting)
    }
}
