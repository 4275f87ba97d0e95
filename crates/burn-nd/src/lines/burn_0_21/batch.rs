//! Burn 0.21's read-back: [`ToNdarrayAsync`] (and so [`read_batch`](crate::read_batch)) for
//! `Tensor<B, D, K>`, and [`NarrowRead`], the read that narrows on the device first, generic
//! over every backend.

use std::future::Future;

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Bool, DType, Float, FloatDType, IntDType, Tensor, Transaction};
use burn_backend::tensor::TransactionOp;
use ndarray::ArrayD;

use crate::check::check_cast;
use crate::convert::readback::sealed;
use crate::{ndarray_from_data, Casting, Error, NdDType, NdElement, ToNdarray, ToNdarrayAsync};

impl<B: Backend, const D: usize, K: BasicOps<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<B: Backend, const D: usize, K: BasicOps<B> + TransactionOp<B>> ToNdarrayAsync
    for Tensor<B, D, K>
{
    type Data = burn021::tensor::TensorData;
    type DType = DType;

    fn logical_dtype(&self) -> DType {
        self.dtype()
    }

    fn data_async(self) -> impl Future<Output = Result<Self::Data, Error>> + Send {
        let read = self.into_data_async();
        async move { read.await.map_err(Error::backend) }
    }

    fn data_batch(tensors: Vec<Self>) -> Result<Vec<Self::Data>, Error> {
        let transaction = tensors
            .into_iter()
            .fold(Transaction::<B>::default(), Transaction::register);
        transaction.try_execute().map_err(Error::backend)
    }
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
