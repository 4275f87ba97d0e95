//! The Burn 0.22 line (feature `burn-0-22`, the default): burn-nd's conversions for
//! `burn::Tensor<D, K>`, the release whose tensors carry a runtime `Device` instead of a
//! backend type parameter, built on the line-free [`base`](crate::base): its `DType` and
//! `TensorData` (`dtype`, `data`), [`ToNdarray`](crate::ToNdarray) on every device (`to`) and
//! [`FromNdarray`](crate::FromNdarray) (`from`), modules (`module`), the awaited and batched
//! read-backs (`batch`), the backend a tensor lives on (`direct`), the direct reads of burn-flex (`flex`), burn-ndarray (`ndarray`,
//! feature `ndarray-0-22`) and libtorch CPU (`tch`, feature `tch-0-22`) tensors, and the
//! zero-copy view of burn-flex storage (`view`).

pub(crate) mod batch;
pub(crate) mod data;
pub(crate) mod direct;
pub(crate) mod dtype;
pub(crate) mod flex;
pub(crate) mod from;
pub(crate) mod module;
#[cfg(feature = "ndarray-0-22")]
pub(crate) mod ndarray;
#[cfg(feature = "tch-0-22")]
pub(crate) mod tch;
pub(crate) mod to;
pub(crate) mod view;
