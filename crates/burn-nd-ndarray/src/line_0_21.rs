//! `ShareNdarray` on Burn 0.21: `Tensor<NdArray<F, I, Q>, D, K>` and its `Autodiff` form.

use burn021::tensor::backend::{AutodiffBackend, Backend};
use burn021::tensor::{BasicAutodiffOps, Tensor, TensorKind};
use burn_autodiff::checkpoint::strategy::CheckpointStrategy;
use burn_autodiff::Autodiff;
use burn_nd::backend::logical_dtype;
use burn_nd::Error;
use burn_ndarray::{FloatNdArrayElement, IntNdArrayElement, NdArray, NdArrayTensor, QuantElement};
use ndarray::{ArcArray, Dimension, IxDyn};

use crate::{sealed, NativeElement, NdArrayKind, ShareNdarray};

// Every 0.21 tensor is sealed; `ShareNdarray` is implemented for burn-ndarray's and its
// `Autodiff` form's.
impl<B: Backend, const D: usize, K: TensorKind<B>> sealed::Sealed for Tensor<B, D, K> {}

impl<F, I, Q, const D: usize, K> ShareNdarray for Tensor<NdArray<F, I, Q>, D, K>
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
    K: NdArrayKind<F, I, Q>,
{
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error> {
        let tensor = K::unwrap(self.into_primitive())?;
        E::take(tensor).or_else(|other| {
            Err(Error::DtypeMismatch {
                stored: logical_dtype(burn021::tensor::TensorMetadata::dtype(&other))?,
                requested: E::DTYPE,
            })
        })
    }

    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error> {
        let kind = burn_nd::backend::burn_kind(K::name())?;
        burn_nd::backend::check_target(array.ndim(), D, kind, E::DTYPE, true)?;
        Ok(Tensor::from_primitive(K::wrap(E::wrap(array.into_dyn()))))
    }
}

/// An `Autodiff` tensor shares the buffer of the values it holds (`inner()`, which drops the
/// graph); an array becomes the inner tensor of a new leaf (`from_inner`).
///
/// ```
/// # use burn021 as burn;
/// use burn::tensor::Tensor;
/// use burn_autodiff::Autodiff;
/// use burn_nd_ndarray::ShareNdarray;
/// use burn_ndarray::NdArray;
///
/// let x = Tensor::<Autodiff<NdArray>, 1>::from_floats([1.0, 2.0], &Default::default()).require_grad();
/// let y = x.clone() * 3.0;
/// let values = y.to_arcarray::<f32>()?;
/// assert_eq!(values, ndarray::arr1(&[3.0, 6.0]).into_dyn());
/// let back = Tensor::<Autodiff<NdArray>, 1>::from_arcarray(values)?;
/// assert!(!back.is_require_grad());
/// # Ok::<_, burn_nd::Error>(())
/// ```
impl<F, I, Q, C, const D: usize, K> ShareNdarray for Tensor<Autodiff<NdArray<F, I, Q>, C>, D, K>
where
    F: FloatNdArrayElement,
    I: IntNdArrayElement,
    Q: QuantElement,
    C: CheckpointStrategy,
    NdArrayTensor: From<ArcArray<F, IxDyn>> + From<ArcArray<I, IxDyn>>,
    Autodiff<NdArray<F, I, Q>, C>: AutodiffBackend<InnerBackend = NdArray<F, I, Q>>,
    K: NdArrayKind<F, I, Q> + BasicAutodiffOps<Autodiff<NdArray<F, I, Q>, C>, InnerKind = K>,
{
    fn into_arcarray<E: NativeElement>(self) -> Result<ArcArray<E, IxDyn>, Error> {
        self.inner().into_arcarray()
    }

    fn from_arcarray<E: NativeElement, Dm: Dimension>(
        array: ArcArray<E, Dm>,
    ) -> Result<Self, Error> {
        Tensor::<NdArray<F, I, Q>, D, K>::from_arcarray(array).map(Tensor::from_inner)
    }
}
