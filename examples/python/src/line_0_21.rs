//! The module on Burn 0.21: `Tensor<B, D, K>` for B = burn-ndarray or burn-flex 0.21, plain
//! or `Autodiff<B>`.

use burn021::tensor::backend::Backend;
use burn021::tensor::{Bool, DType, Float, Int, Tensor};
use burn_autodiff::Autodiff;
use burn_flex::Flex;
use burn_nd::{Casting, NdDType};
use burn_nd_examples::burn_0_21::Trainer021;
use burn_nd_examples::regression_spec;
use burn_nd_examples::training::{Targets, Trainer};
use burn_nd_numpy::FromNumpy;
use burn_ndarray::NdArray;
use numpy::PyUntypedArray;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::{build_kind, held, ndarray_ptr, Held, Request};

/// The Burn line this module was built for.
pub(crate) const BURN_LINE: &str = "0.21";
/// The backends `Tensor.from_numpy` takes.
pub(crate) const BACKENDS: [&str; 2] = ["ndarray", "flex"];

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

/// The regression example's trainer on `Autodiff<NdArray>`, `x` (n × inputs) and `y`
/// (n × outputs) taken as float32 (a `same_kind` cast), with no copy where their layout allows.
pub(crate) fn trainer(
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    seed: u64,
) -> PyResult<Box<dyn Trainer>> {
    type B = Autodiff<NdArray>;
    let device = Default::default();
    let x = Tensor::<B, 2>::from_numpy_as(x, &device, DType::F32, Casting::SameKind)?;
    let y = Tensor::<B, 2>::from_numpy_as(y, &device, DType::F32, Casting::SameKind)?;
    let spec = regression_spec(y.dims()[1], seed);
    Ok(Box::new(Trainer021::new(x, Targets::Values(y), spec)))
}
