//! The Burn 0.22 line (feature `burn-0-22`, the default): `burn::Tensor<D, K>`, whose tensors
//! carry a runtime `Device` instead of a backend type parameter. An adapter: [`Line`] for its
//! `DType`, `TensorData` and `Bytes` (`data`, `dtype`), and burn-nd's public traits for its
//! tensors (`to`, `from`, `module`, `batch`, `view`), each a thin call into `convert/`.
//! `direct` is its one dispatch: which CPU backend's memory (`backends/`) a tensor lives in.
//!
//! [`Line`]: crate::line::Line

pub(crate) mod batch;
pub(crate) mod data;
pub(crate) mod direct;
#[cfg(all(test, feature = "dlpack"))]
mod dlpack_tests;
pub(crate) mod dtype;
pub(crate) mod from;
pub(crate) mod kind;
pub(crate) mod module;
pub(crate) mod to;
pub(crate) mod view;

/// Burn 0.22 in [`ModuleParams`](crate::ModuleParams): the compiler infers it.
pub struct Burn022;
