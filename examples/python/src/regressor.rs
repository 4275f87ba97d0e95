//! `Regressor`: the regression example's MLP, trained and queried from Python.

use std::sync::Mutex;

use burn_nd::{Casting, NdDType};
use burn_nd_examples::training::Predictor;
use numpy::ndarray::Array2;
use numpy::{
    AllowTypeChange, IntoPyArray, PyArray2, PyArrayLike2, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::{line, parse_dtype};

/// The regression example's MLP (10 inputs, two hidden layers of 16, 1 output), trained on an
/// Autodiff device by the examples' trainer; it holds the trained model only (not the
/// training data, the autodiff graph or the optimiser's state).
#[pyclass(module = "burn_nd_demo")]
pub(crate) struct Regressor {
    model: Mutex<Box<dyn Predictor>>,
}

#[pymethods]
impl Regressor {
    /// Trains a fresh MLP on `x` (n × 10, float32) and `y` (n × 1) with Adam, mini-batches
    /// of 32, for `epochs` epochs, with the GIL released; the random state is seeded with
    /// `seed`.
    #[staticmethod]
    #[pyo3(signature = (x, y, epochs = 40, seed = 0))]
    fn fit(
        x: &Bound<'_, PyAny>,
        y: &Bound<'_, PyAny>,
        epochs: usize,
        seed: u64,
    ) -> PyResult<Regressor> {
        let mut trainer = line::trainer(x, y, seed)?;
        let model = x
            .py()
            .detach(|| {
                (0..epochs).try_for_each(|epoch| trainer.epoch(seed + epoch as u64))?;
                trainer.predictor()
            })
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(Regressor {
            model: Mutex::new(model),
        })
    }

    /// The model's output (n × 1, float32) for `x` (n × 10, any layout, of a dtype NumPy
    /// casts to float32 under `same_kind`).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let x = float32_matrix(x)?;
        // The forward pass releases the GIL: it runs on a clone of the model (its parameters
        // are reference counts) taken under the lock, not with the lock held, which would
        // deadlock a thread that holds the GIL while it waits for the lock.
        let model = self.model()?;
        let y = py
            .detach(move || model.predict(x.view()))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(y.into_pyarray(py))
    }

    /// Every parameter as a NumPy array, named as burn-nd's `.npz` files name them.
    fn state_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let model = self.model()?;
        let parameters = model
            .parameters()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let dict = pyo3::types::PyDict::new(py);
        for (name, array) in parameters {
            dict.set_item(name, burn_nd_numpy::dyn_array_into_numpy(py, array)?)?;
        }
        Ok(dict)
    }
}

impl Regressor {
    /// A clone of the model (its parameters are reference counts), the lock released again.
    fn model(&self) -> PyResult<Box<dyn Predictor>> {
        let model = self
            .model
            .lock()
            .map_err(|_| PyValueError::new_err("model lock poisoned"))?;
        Ok(model.boxed_clone())
    }
}

/// `x` as an owned float32 matrix: a 2-D array whose dtype casts to float32 under
/// `same_kind` (a `TypeError` otherwise, a `ValueError` for another rank), copied while the
/// GIL is held (with it released, Python code could write the array).
fn float32_matrix(x: &Bound<'_, PyAny>) -> PyResult<Array2<f32>> {
    let array = x.cast::<PyUntypedArray>()?;
    let source = parse_dtype(&array.dtype().getattr("name")?.extract::<String>()?)?;
    if !burn_nd::can_cast(source, NdDType::F32, Casting::SameKind) {
        return Err(PyTypeError::new_err(format!(
            "cannot cast {source:?} to float32 under same_kind"
        )));
    }
    if array.ndim() != 2 {
        return Err(PyValueError::new_err(format!(
            "x must be 2-D (n × inputs), not of rank {}",
            array.ndim()
        )));
    }
    let x: PyArrayLike2<'_, f32, AllowTypeChange> = x.extract()?;
    Ok(x.as_array().to_owned())
}
