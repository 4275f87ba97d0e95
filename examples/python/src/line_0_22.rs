//! The module on Burn 0.22: `Tensor<D, K>` on burn-flex or burn-ndarray, plain or Autodiff.

// `Device::ndarray()`: burn-ndarray is deprecated in Burn 0.22, and still served.
#![allow(deprecated)]

use burn::module::Module;
use burn::optim::AdamConfig;
use burn::tensor::{Bool, DType, Device, Float, Int, Tensor};
use burn_nd::{AsNdarrayView, Casting, FromNdarray, NdDType, NdKind, ToNdarray};
use burn_nd_examples::flex::{train_epoch, Mlp};
use burn_nd_numpy::{to_py_err, FromNumpy, ToNumpy};
use numpy::PyUntypedArray;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::{by_dtype, held, ndarray_ptr, Held};

/// The Burn line this module was built for.
pub(crate) const BURN_LINE: &str = "0.22";
/// The backends `Tensor.from_numpy` takes.
pub(crate) const BACKENDS: [&str; 2] = ["flex", "ndarray"];

/// What `Tensor.from_numpy` was asked for.
pub(crate) struct Request<'a> {
    pub(crate) backend: &'a str,
    pub(crate) autodiff: bool,
    pub(crate) kind: &'a str,
    pub(crate) dtype: Option<NdDType>,
    pub(crate) casting: Casting,
}

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

fn build_kind<T>(
    array: &Bound<'_, PyAny>,
    device: &Device,
    request: &Request<'_>,
) -> PyResult<Box<dyn Held>>
where
    T: FromNdarray<Device = Device, DType = DType> + Held + 'static,
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

/// The trained model, on burn-flex without Autodiff.
pub(crate) type Model = Mlp;

/// The regression example's training, on burn-flex's Autodiff device, with the GIL released.
pub(crate) fn fit(
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    epochs: usize,
    seed: u64,
) -> PyResult<Model> {
    let py = x.py();
    let device = Device::flex().autodiff();
    device.seed(seed);
    let x = Tensor::<2>::from_numpy_as(x, &device, DType::F32, Casting::SameKind)?;
    let y = Tensor::<2>::from_numpy_as(y, &device, DType::F32, Casting::SameKind)?;
    py.detach(|| {
        let mut model = Mlp::new(x.dims()[1], burn_nd_examples::HIDDEN, y.dims()[1], &device);
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
    let x = Tensor::<2>::from_numpy_as(x, &Device::flex(), DType::F32, Casting::SameKind)?;
    let y = py.detach(|| model.forward(x));
    y.into_numpy(py)
}
