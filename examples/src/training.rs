//! Training, written once for every Burn line: what a script asks for ([`Spec`], [`Targets`]),
//! what a line's trainer does ([`Trainer`]), and which trainer a `--backend` name gets
//! ([`trainer`]). Each line implements [`Trainer`] in its own module ([`crate::flex`] on Burn
//! 0.22, [`crate::burn_0_21`] on Burn 0.21): there only the Burn calls are spelled.

use std::collections::BTreeMap;
use std::path::Path;

use burn_nd::ndarray::{Array1, Array2, ArrayView2};
use burn_nd::DynArray;

use crate::BoxError;

/// What the MLP learns to predict, which sets its loss: `V` holds values, `C` class indices
/// (arrays here, each line's tensors inside its trainer).
#[derive(Debug, Clone)]
pub enum Targets<V, C> {
    /// One row of real values per sample: mean squared error.
    Values(V),
    /// One class index per sample: cross-entropy over the outputs, read as logits.
    Classes(C),
}

/// The targets of a script, as arrays: f32 values (n × outputs), or i64 class indices (n).
pub type ArrayTargets = Targets<Array2<f32>, Array1<i64>>;

/// The MLP and its training: input → hidden → ReLU → hidden → ReLU → output, Adam.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Width of both hidden layers.
    pub hidden: usize,
    /// Width of the output layer (values per sample, or classes).
    pub outputs: usize,
    /// Rows per mini-batch.
    pub batch: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Seeds the weights (the device's RNG, seeded when the trainer is made).
    pub seed: u64,
}

/// An MLP in training on one Burn line's Autodiff device; the scripts' loop and the Python
/// demo's `fit` are written once over it.
pub trait Trainer: Send {
    /// One epoch: Adam steps on mini-batches of [`Spec::batch`] rows, in the order
    /// [`shuffled`](crate::shuffled)`(rows, seed)` gives.
    fn epoch(&mut self, seed: u64) -> Result<(), BoxError>;

    /// The model as it is now, without the autodiff graph, on the same backend: it shares
    /// the parameters' memory (no copy), and holds neither the training data nor the
    /// optimiser's state.
    fn predictor(&self) -> Result<Box<dyn Predictor>, BoxError>;
}

/// A trained MLP, without the autodiff graph.
pub trait Predictor: Send {
    /// The model's outputs for `inputs` (n × the model's inputs), converted to ndarray by
    /// burn-nd; an `Err` naming both widths when `inputs` has another number of columns.
    fn predict(&self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f32>, BoxError>;

    /// Every parameter, named as burn-nd's `.npz` files name them (`fc1.weight`, ...).
    fn parameters(&self) -> Result<BTreeMap<String, DynArray>, BoxError>;

    /// Another handle on the same model (its parameters are reference counts, not copied).
    fn boxed_clone(&self) -> Box<dyn Predictor>;
}

/// What a trainer says when an epoch that failed midway took its model with it.
pub const MIDWAY: &str = "an earlier epoch failed midway and lost the model";

/// `Ok` when `inputs` has the `width` columns an MLP takes, else an `Err` naming both.
pub fn check_width(inputs: &ArrayView2<'_, f32>, width: usize) -> Result<(), BoxError> {
    if inputs.ncols() == width {
        Ok(())
    } else {
        Err(format!(
            "the inputs have {} columns; the model takes {width}",
            inputs.ncols()
        )
        .into())
    }
}

/// A fresh MLP training on `inputs` (n × inputs) toward `targets`, on the Autodiff form of
/// the backend `backend` names (`flex` on Burn 0.22; `ndarray`, `wgpu`, `tch` on Burn 0.21):
/// an error if that backend is not compiled in.
pub fn trainer(
    backend: &str,
    inputs: &Array2<f32>,
    targets: &ArrayTargets,
    spec: Spec,
) -> Result<Box<dyn Trainer>, BoxError> {
    #[cfg(feature = "flex-0-22")]
    if backend == "flex" {
        return Ok(Box::new(crate::flex::FlexTrainer::from_arrays(
            inputs, targets, spec,
        )?));
    }
    #[cfg(feature = "burn-0-21")]
    if let Some(trainer) = crate::burn_0_21::on_backend(backend, inputs, targets, spec)? {
        return Ok(trainer);
    }
    let _ = (inputs, targets, spec);
    Err(format!(
        "backend {backend} is not compiled in (compiled: {})",
        crate::compiled_backends()
    )
    .into())
}

/// Writes each of `parameters` as `<name>.npy` in `dir`.
pub fn save_parameters(
    parameters: &BTreeMap<String, DynArray>,
    dir: &Path,
) -> Result<(), BoxError> {
    parameters
        .iter()
        .try_for_each(|(name, array)| save_npy(array, dir, name))
}

/// Writes `array` as `dir/<name>.npy`.
pub fn save_array<T>(array: &Array1<T>, dir: &Path, name: &str) -> Result<(), BoxError>
where
    T: Clone,
    DynArray: From<burn_nd::ndarray::ArrayD<T>>,
{
    save_npy(&DynArray::from(array.clone().into_dyn()), dir, name)
}

/// Writes `array` as `dir/<name>.npy` with burn-nd's `.npy` writer: the one place the scripts'
/// output files are named and written.
fn save_npy(array: &DynArray, dir: &Path, name: &str) -> Result<(), BoxError> {
    Ok(burn_nd::npy::write_npy(
        dir.join(format!("{name}.npy")),
        array,
    )?)
}

/// The rows of a mini-batch as an index array for Burn's `select` (`i64`, which every
/// backend's int tensor takes through burn-nd's cast).
pub fn batch_indices(batch: &[usize]) -> Array1<i64> {
    batch.iter().map(|&i| i as i64).collect()
}
