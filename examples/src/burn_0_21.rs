//! The Burn 0.21 trainer, generic over the backend: the MLP and the Burn calls of
//! [`Trainer`]; [`trainer`] picks the backend a `--backend` name means. Everything else is
//! line-free ([`crate::training`]).

use std::collections::BTreeMap;

// `#[derive(Module)]` names `burn::`: here that is Burn 0.21.
use burn021 as burn;

use burn::module::{AutodiffModule, Module};
use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::nn::{Linear, LinearConfig, Relu};
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{Adam, AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Int, Tensor};
use burn_nd::ndarray::{Array2, ArrayView2};
use burn_nd::prelude::*;
use burn_nd::DynArray;

use crate::training::{
    batch_indices, check_width, ArrayTargets, Predictor, Spec, Targets, Trainer, MIDWAY,
};
use crate::{shuffled, BoxError};

/// Input → hidden → ReLU → hidden → ReLU → output.
#[derive(Module, Debug)]
pub struct Mlp<B: Backend> {
    fc1: Linear<B>,
    fc2: Linear<B>,
    out: Linear<B>,
    act: Relu,
}

impl<B: Backend> Mlp<B> {
    /// A freshly initialised MLP (weights drawn from the backend's seeded RNG).
    pub fn new(inputs: usize, hidden: usize, outputs: usize, device: &B::Device) -> Self {
        Mlp {
            fc1: LinearConfig::new(inputs, hidden).init(device),
            fc2: LinearConfig::new(hidden, hidden).init(device),
            out: LinearConfig::new(hidden, outputs).init(device),
            act: Relu::new(),
        }
    }

    /// The forward pass.
    pub fn forward(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        let x = self.act.forward(self.fc1.forward(x));
        let x = self.act.forward(self.fc2.forward(x));
        self.out.forward(x)
    }
}

/// The Burn 0.21 [`Trainer`]: an [`Mlp`] with Adam on the Autodiff backend `B`.
pub struct Trainer021<B: AutodiffBackend> {
    /// `None` only inside [`Trainer::epoch`], while the optimiser holds it.
    model: Option<Mlp<B>>,
    optim: OptimizerAdaptor<Adam, Mlp<B>, B>,
    inputs: Tensor<B, 2>,
    targets: Targets<Tensor<B, 2>, Tensor<B, 1, Int>>,
    loss: CrossEntropyLoss<B>,
    spec: Spec,
}

impl<B: AutodiffBackend> Trainer021<B> {
    /// A fresh MLP for `inputs` and `targets`, on the device they are on, `B`'s RNG seeded
    /// with `spec.seed` first.
    pub fn new(
        inputs: Tensor<B, 2>,
        targets: Targets<Tensor<B, 2>, Tensor<B, 1, Int>>,
        spec: Spec,
    ) -> Self {
        let device = inputs.device();
        B::seed(&device, spec.seed);
        Trainer021 {
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

    /// [`Trainer021::new`] on `device`, the arrays converted by burn-nd.
    pub fn from_arrays(
        inputs: &Array2<f32>,
        targets: &ArrayTargets,
        spec: Spec,
        device: &B::Device,
    ) -> Result<Self, BoxError> {
        let targets = match targets {
            Targets::Values(y) => Targets::Values(Tensor::<B, 2>::from_ndarray(y, device)?),
            Targets::Classes(c) => Targets::Classes(Tensor::<B, 1, Int>::from_ndarray(c, device)?),
        };
        let inputs = Tensor::<B, 2>::from_ndarray(inputs, device)?;
        Ok(Trainer021::new(inputs, targets, spec))
    }
}

/// The Burn 0.21 [`Predictor`]: an [`Mlp`] on the plain backend `B`.
#[derive(Clone)]
pub struct Predictor021<B: Backend> {
    model: Mlp<B>,
    device: B::Device,
    width: usize,
}

impl<B: AutodiffBackend> Trainer for Trainer021<B> {
    fn epoch(&mut self, seed: u64) -> Result<(), BoxError> {
        let device = self.inputs.device();
        for batch in shuffled(self.inputs.dims()[0], seed).chunks(self.spec.batch) {
            let idx = Tensor::<B, 1, Int>::from_ndarray(&batch_indices(batch), &device)?;
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
        Ok(Box::new(Predictor021::<B::InnerBackend> {
            model: self.model.as_ref().ok_or(MIDWAY)?.valid(),
            device: self.inputs.device(),
            width: self.inputs.dims()[1],
        }))
    }
}

impl<B: Backend> Predictor for Predictor021<B> {
    fn predict(&self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f32>, BoxError> {
        check_width(&inputs, self.width)?;
        let inputs = Tensor::<B, 2>::from_ndarray(&inputs, &self.device)?;
        Ok(self.model.forward(inputs).into_ndarray()?)
    }

    fn parameters(&self) -> Result<BTreeMap<String, DynArray>, BoxError> {
        Ok(burn_nd::module_to_arrays(&self.model)?)
    }

    fn boxed_clone(&self) -> Box<dyn Predictor> {
        Box::new(self.clone())
    }
}

/// A [`Trainer021`] on the Autodiff form of the Burn 0.21 backend `backend` names, if it is
/// compiled in (`None` otherwise).
pub fn on_backend(
    backend: &str,
    inputs: &Array2<f32>,
    targets: &ArrayTargets,
    spec: Spec,
) -> Result<Option<Box<dyn Trainer>>, BoxError> {
    let _ = (inputs, targets, spec);
    Ok(Some(match backend {
        #[cfg(feature = "ndarray-0-21")]
        "ndarray" => Box::new(
            Trainer021::<burn_autodiff::Autodiff<burn_ndarray::NdArray>>::from_arrays(
                inputs,
                targets,
                spec,
                &burn_ndarray::NdArrayDevice::Cpu,
            )?,
        ),
        #[cfg(feature = "wgpu-0-21")]
        "wgpu" => Box::new(
            Trainer021::<burn_autodiff::Autodiff<burn_wgpu::Wgpu>>::from_arrays(
                inputs,
                targets,
                spec,
                &burn_wgpu::WgpuDevice::DefaultDevice,
            )?,
        ),
        #[cfg(feature = "tch-0-21")]
        "tch" => Box::new(
            Trainer021::<burn_autodiff::Autodiff<burn_tch::LibTorch>>::from_arrays(
                inputs,
                targets,
                spec,
                &burn_tch::LibTorchDevice::Cpu,
            )?,
        ),
        _ => return Ok(None),
    }))
}
