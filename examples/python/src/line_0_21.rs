//! The module on Burn 0.21: `Tensor<B, D, K>` for B = burn-ndarray or burn-flex 0.21, plain
//! or `Autodiff<B>`.

use burn021::module::AutodiffModule;
use burn021::optim::AdamConfig;
use burn021::tensor::backend::Backend;
use burn021::tensor::{Bool, DType, Float, Int, Tensor};
use burn_autodiff::Autodiff;
use burn_flex::Flex;
use burn_nd::{Casting, FromNdarray, NdDType};
use burn_nd_examples::burn_0_21::{train_epoch, Mlp};
use burn_nd_numpy::{FromNumpy, ToNumpy};
use burn_ndarray::NdArray;
use numpy::PyUntypedArray;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::{held, ndarray_ptr, Held};

/// The Burn line this module was built for.
pub(crate) const BURN_LINE: &str = "0.21";
/// The backends `Tensor.from_numpy` takes.
pub(crate) const BACKENDS: [&str; 2] = ["ndarray", "flex"];

/// What `Tensor.from_numpy` was asked for.
pub(crate) struct Request<'a> {
    pub(crate) backend: &'a str,
    pub(crate) autodiff: bool,
    pub(crate) kind: &'a str,
    pub(crate) dtype: Option<NdDType>,
    pub(crate) casting: Casting,
}

/// A rank-`D` tensor from `array` as `request` says.
pub(crate) fn build<const D: usize>(
    array: &Bound<'_, PyAny>,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>> {
    match (request.backend, request.autodiff) {
        ("ndarray", false) => build_on::<NdArray, D>(array, request),
        ("ndarray", true) => build_on::<Autodiff<NdArray>, D>(array, request),
        ("flex", false) => build_on::<Flex, D>(array, request),
        ("flex", true) => build_on::<Autodiff<Flex>, D>(array, request),
        (other, _) => Err(PyValueError::new_err(format!(
            "no backend {other:?} here: {BACKENDS:?}"
        ))),
    }
}

fn build_on<B: Backend, const D: usize>(
    array: &Bound<'_, PyAny>,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>>
where
    Tensor<B, D, Float>: Held,
    Tensor<B, D, Int>: Held,
    Tensor<B, D, Bool>: Held,
{
    let device = B::Device::default();
    match request.kind {
        "float" => build_kind::<Tensor<B, D, Float>>(array, &device, request),
        "int" => build_kind::<Tensor<B, D, Int>>(array, &device, request),
        "bool" => build_kind::<Tensor<B, D, Bool>>(array, &device, request),
        other => Err(PyValueError::new_err(format!(
            "no tensor kind {other:?}: float, int or bool"
        ))),
    }
}

fn build_kind<T>(
    array: &Bound<'_, PyAny>,
    device: &T::Device,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>>
where
    T: FromNdarray<DType = DType> + Held + 'static,
{
    let tensor = match request.dtype {
        None => T::from_numpy(array, device)?,
        Some(NdDType::Bool) => {
            T::from_numpy_as(array, device, T::bool_dtype(device), request.casting)?
        }
        Some(dtype) => T::from_numpy_as(array, device, dtype.into(), request.casting)?,
    };
    Ok(Box::new(tensor))
}

/// Each kind of a backend, with the storage address `$ptr` gives.
macro_rules! held_kinds {
    ($backend:ty, |$s:ident| $ptr:expr) => {
        held!(Tensor<$backend, D, Float>, |t| t.add_scalar(1.0), |$s| $ptr);
        held!(Tensor<$backend, D, Int>, |t| t.add_scalar(1), |$s| $ptr);
        held!(Tensor<$backend, D, Bool>, |t| t.bool_not(), |$s| $ptr);
    };
}
held_kinds!(NdArray, |t| ndarray_ptr(t));
held_kinds!(Autodiff<NdArray>, |t| ndarray_ptr(t));
// burn-flex 0.21 has no view in burn-nd: the tests prove its sharing by value.
held_kinds!(Flex, |_t| Ok(None));
held_kinds!(Autodiff<Flex>, |_t| Ok(None));

/// The trained model, on burn-ndarray without Autodiff.
pub(crate) type Model = Mlp<NdArray>;

/// The regression example's training, on `Autodiff<NdArray>`, with the GIL released.
pub(crate) fn fit(
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    epochs: usize,
    seed: u64,
) -> PyResult<Model> {
    type B = Autodiff<NdArray>;
    let py = x.py();
    let device = Default::default();
    B::seed(&device, seed);
    let x = Tensor::<B, 2>::from_numpy_as(x, &device, DType::F32, Casting::SameKind)?;
    let y = Tensor::<B, 2>::from_numpy_as(y, &device, DType::F32, Casting::SameKind)?;
    py.detach(|| {
        let mut model = Mlp::<B>::new(x.dims()[1], burn_nd_examples::HIDDEN, y.dims()[1], &device);
        let mut optim = AdamConfig::new().init();
        for epoch in 0..epochs {
            model = train_epoch(model, &mut optim, &x, &y, seed + epoch as u64)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        }
        Ok(model.valid())
    })
}

/// The model's output for `x`.
pub(crate) fn predict<'py>(
    model: &Model,
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    let x =
        Tensor::<NdArray, 2>::from_numpy_as(x, &Default::default(), DType::F32, Casting::SameKind)?;
    let y = py.detach(|| model.forward(x));
    y.into_numpy(py)
}
