//! The Burn 0.22 trainer, on burn-flex's Autodiff device: the MLP and the Burn calls of
//! [`Trainer`]; everything else is line-free ([`crate::training`]).

use std::collections::BTreeMap;

use burn::module::Module;
use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::nn::{Linear, LinearConfig, Relu};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use burn_nd::ndarray::{Array2, ArrayView2};
use burn_nd::prelude::*;
use burn_nd::DynArray;

use crate::training::{
    batch_indices, check_width, ArrayTargets, Predictor, Spec, Targets, Trainer, MIDWAY,
};
use crate::{shuffled, BoxError};

/// Input → hidden → ReLU → hidden → ReLU → output.
#[derive(Module, Debug)]
pub struct Mlp {
    fc1: Linear,
    fc2: Linear,
    out: Linear,
    act: Relu,
}

impl Mlp {
    /// A freshly initialised MLP (weights drawn from the device's seeded RNG).
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
}

/// The Burn 0.22 [`Trainer`]: an [`Mlp`] with Adam on an Autodiff device.
pub struct FlexTrainer {
    /// `None` only inside [`Trainer::epoch`], while the optimiser holds it.
    model: Option<Mlp>,
    optim: ModuleOptimizer,
    inputs: Tensor<2>,
    targets: Targets<Tensor<2>, Tensor<1, Int>>,
    loss: CrossEntropyLoss,
    spec: Spec,
}

impl FlexTrainer {
    /// A fresh MLP for `inputs` and `targets`, on the device they are on (an Autodiff one),
    /// its RNG seeded with `spec.seed` first.
    pub fn new(inputs: Tensor<2>, targets: Targets<Tensor<2>, Tensor<1, Int>>, spec: Spec) -> Self {
        let device = inputs.device();
        device.seed(spec.seed);
        FlexTrainer {
            model: Some(Mlp::new(
                inputs.dims()[1],
                spec.hidden,
                spec.outputs,
                &device,
            )),
            optim: AdamConfig::new().init(),
            loss: CrossEntropyLossConfig::new().init(&device),
            inputs,
            targets,
            spec,
        }
    }

    /// [`FlexTrainer::new`] on burn-flex's Autodiff device, the arrays converted by burn-nd.
    pub fn from_arrays(
        inputs: &Array2<f32>,
        targets: &ArrayTargets,
        spec: Spec,
    ) -> Result<Self, BoxError> {
        let device = Device::flex().autodiff();
        let targets = match targets {
            Targets::Values(y) => Targets::Values(Tensor::<2>::from_ndarray(y, &device)?),
            Targets::Classes(c) => Targets::Classes(Tensor::<1, Int>::from_ndarray(c, &device)?),
        };
        let inputs = Tensor::<2>::from_ndarray(inputs, &device)?;
        Ok(FlexTrainer::new(inputs, targets, spec))
    }
}

/// The Burn 0.22 [`Predictor`]: an [`Mlp`] on a plain device.
#[derive(Clone)]
pub struct FlexPredictor {
    model: Mlp,
    device: Device,
    width: usize,
}

impl Trainer for FlexTrainer {
    fn epoch(&mut self, seed: u64) -> Result<(), BoxError> {
        let device = self.inputs.device();
        for batch in shuffled(self.inputs.dims()[0], seed).chunks(self.spec.batch) {
            let idx = Tensor::<1, Int>::from_ndarray(&batch_indices(batch), &device)?;
            let model = self.model.take().ok_or(MIDWAY)?;
            let outputs = model.forward(self.inputs.clone().select(0, idx.clone()));
            let loss = match &self.targets {
                Targets::Values(y) => (outputs - y.clone().select(0, idx)).powi_scalar(2).mean(),
                Targets::Classes(c) => self.loss.forward(outputs, c.clone().select(0, idx)),
            };
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            self.model = Some(self.optim.step(self.spec.learning_rate, model, grads));
        }
        Ok(())
    }

    fn predictor(&self) -> Result<Box<dyn Predictor>, BoxError> {
        Ok(Box::new(FlexPredictor {
            model: self.model.as_ref().ok_or(MIDWAY)?.valid(),
            device: self.inputs.device().without_autodiff(),
            width: self.inputs.dims()[1],
        }))
    }
}

impl Predictor for FlexPredictor {
    fn predict(&self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f32>, BoxError> {
        check_width(&inputs, self.width)?;
        let inputs = Tensor::<2>::from_ndarray(&inputs, &self.device)?;
        Ok(self.model.forward(inputs).into_ndarray()?)
    }

    fn parameters(&self) -> Result<BTreeMap<String, DynArray>, BoxError> {
        Ok(burn_nd::module_to_arrays(&self.model)?)
    }

    fn boxed_clone(&self) -> Box<dyn Predictor> {
        Box::new(self.clone())
    }
}
