//! The module on Burn 0.22: `Tensor<D, K>` on burn-flex or burn-ndarray, plain or Autodiff.

// `Device::ndarray()`: burn-ndarray is deprecated in Burn 0.22, and still served.
#![allow(deprecated)]

use burn::tensor::{Bool, DType, Device, Float, Int, Tensor};
use burn_nd::{AsNdarrayView, Casting, NdDType, NdKind, ToNdarray};
use burn_nd_examples::flex::FlexTrainer;
use burn_nd_examples::regression_spec;
use burn_nd_examples::training::{Targets, Trainer};
use burn_nd_numpy::{to_py_err, FromNumpy};
use numpy::PyUntypedArray;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::{build_kind, by_dtype, held, ndarray_ptr, Held, Request};

/// The Burn line this module was built for.
pub(crate) const BURN_LINE: &str = "0.22";
/// The backends `Tensor.from_numpy` takes.
pub(crate) const BACKENDS: [&str; 2] = ["flex", "ndarray"];

fn device(backend: &str, autodiff: bool) -> PyResult<Device> {
    let device = match backend {
        "flex" => Device::flex(),
        "ndarray" => Device::ndarray(),
        other => {
            return Err(PyValueError::new_err(format!(
                "no backend {other:?} here: {BACKENDS:?}"
            )))
        }
    };
    Ok(if autodiff { device.autodiff() } else { device })
}

/// A rank-`D` tensor from `array` as `request` says.
pub(crate) fn build<const D: usize>(
    array: &Bound<'_, PyAny>,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>> {
    let device = device(request.backend, request.autodiff)?;
    match request.kind {
        "float" => build_kind::<Tensor<D, Float>>(array, &device, request),
        "int" => build_kind::<Tensor<D, Int>>(array, &device, request),
        "bool" => build_kind::<Tensor<D, Bool>>(array, &device, request),
        other => Err(PyValueError::new_err(format!(
            "no tensor kind {other:?}: float, int or bool"
        ))),
    }
}

held!(Tensor<D, Float>, |t| t + 1.0, |t| storage_ptr(t));
held!(Tensor<D, Int>, |t| t + 1, |t| storage_ptr(t));
held!(Tensor<D, Bool>, |t| t.bool_not(), |t| storage_ptr(t));

/// Where the tensor's host memory starts: burn-flex through burn-nd's view, burn-ndarray
/// through [`ndarray_ptr`].
fn storage_ptr<const D: usize, K: NdKind>(tensor: &Tensor<D, K>) -> PyResult<Option<usize>>
where
    Tensor<D, K>: ToNdarray<D>,
{
    let dtype = tensor.nd_dtype().map_err(to_py_err)?;
    // A view that reads a copy (libtorch's) does not show the tensor's memory.
    let viewed = by_dtype!(dtype, E => tensor
        .as_ndarray_view::<E>()
        .map(|v| (!v.copied()).then(|| v.view().as_ptr() as usize)));
    if let Ok(Some(ptr)) = viewed {
        return Ok(Some(ptr));
    }
    ndarray_ptr(tensor)
}

/// The regression example's trainer on burn-flex's Autodiff device, `x` (n × inputs) and `y`
/// (n × outputs) taken as float32 (a `same_kind` cast), with no copy where their layout allows.
pub(crate) fn trainer(
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    seed: u64,
) -> PyResult<Box<dyn Trainer>> {
    let device = Device::flex().autodiff();
    let x = Tensor::<2>::from_numpy_as(x, &device, DType::F32, Casting::SameKind)?;
    let y = Tensor::<2>::from_numpy_as(y, &device, DType::F32, Casting::SameKind)?;
    let spec = regression_spec(y.dims()[1], seed);
    Ok(Box::new(FlexTrainer::new(x, Targets::Values(y), spec)))
}
