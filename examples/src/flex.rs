//! The Burn 0.22 model, on any `Device` (the scripts use burn-flex): the MLP and the
//! parameter writer.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Relu};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use burn_nd::ndarray::{Array1, Array2};
use burn_nd::prelude::*;

use crate::{shuffled, BoxError, BATCH, LEARNING_RATE};

/// Input → hidden → ReLU → hidden → ReLU → output.
#[derive(Module, Debug)]
pub struct Mlp {
    fc1: Linear,
    fc2: Linear,
    out: Linear,
    act: Relu,
}

impl Mlp {
    /// A freshly initialised MLP (weights drawn from the backend's seeded RNG).
    pub fn new(inputs: usize, hidden: usize, outputs: usize, device: &Device) -> Self {
        Mlp {
            fc1: LinearConfig::new(inputs, hidden).init(device),
            fc2: LinearConfig::new(hidden, hidden).init(device),
            out: LinearConfig::new(hidden, outputs).init(device),
            act: Relu::new(),
        }
    }

    /// The forward pass.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.act.forward(self.fc1.forward(x));
        let x = self.act.forward(self.fc2.forward(x));
        self.out.forward(x)
    }

    /// Every weight and bias as `(name, tensor)`, for saving.
    pub fn named_parameters(&self) -> Vec<(String, Tensor<2>)> {
        let mut out = Vec::new();
        for (name, layer) in [("fc1", &self.fc1), ("fc2", &self.fc2), ("out", &self.out)] {
            out.push((format!("{name}_weight"), layer.weight.val()));
            if let Some(bias) = &layer.bias {
                out.push((format!("{name}_bias"), bias.val().unsqueeze()));
            }
        }
        out
    }
}

/// One epoch of mean-squared-error training on an Autodiff device: Adam steps on mini-batches
/// of [`BATCH`] rows of `(x, y)` in the order `shuffled(rows, seed)` gives. The regression
/// script and the Python demo both train with it.
pub fn train_epoch(
    mut model: Mlp,
    optim: &mut ModuleOptimizer,
    x: &Tensor<2>,
    y: &Tensor<2>,
    seed: u64,
) -> Result<Mlp, BoxError> {
    let device = x.device();
    for batch in shuffled(x.dims()[0], seed).chunks(BATCH) {
        let idx: Array1<i64> = batch.iter().map(|&i| i as i64).collect();
        let idx = Tensor::<1, Int>::from_ndarray(&idx, &device)?;
        let pred = model.forward(x.clone().select(0, idx.clone()));
        let loss = (pred - y.clone().select(0, idx)).powi_scalar(2).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(LEARNING_RATE, model, grads);
    }
    Ok(model)
}

/// Writes every parameter of `model` as `<name>.npy` in `dir` (via burn-nd → ndarray-npy).
pub fn save_parameters(model: &Mlp, dir: &Path) -> Result<Vec<PathBuf>, BoxError> {
    let mut written = Vec::new();
    for (name, tensor) in model.named_parameters() {
        let array: Array2<f32> = tensor.into_ndarray()?;
        let path = dir.join(format!("{name}.npy"));
        ndarray_npy::write_npy(&path, &array)?;
        written.push(path);
    }
    Ok(written)
}
