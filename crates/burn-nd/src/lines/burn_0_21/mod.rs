//! The Burn 0.21 line (feature `burn-0-21`): `burn::Tensor<B, D, K>`, the release with a
//! backend type parameter. An adapter: [`Line`] for its `DType`, `TensorData` and `Bytes`
//! (`data`, `dtype`), and burn-nd's public traits for its tensors (`to`, `from`, `module`,
//! `batch`), each a thin call into `convert/`. `direct` is its one dispatch: which CPU
//! backend's memory (`backends/`) a tensor's primitive holds.
//!
//! [`Line`]: crate::line::Line

pub(crate) mod batch;
pub(crate) mod data;
pub(crate) mod direct;
pub(crate) mod dtype;
pub(crate) mod from;
pub(crate) mod module;
pub(crate) mod to;

/// Burn 0.21 in [`ModuleParams`](crate::ModuleParams), whose modules are generic over the
/// backend `B`: the compiler infers it.
pub struct Burn021<B>(std::marker::PhantomData<B>);
