//! The Burn 0.22 line (feature `burn-0-22`, work in progress): burn-nd's conversions for
//! `burn::Tensor<D, K>`, the release whose tensors carry a runtime `Device` instead of a
//! backend type parameter, built on the line-free [`base`](crate::base). So far: its `DType`
//! beside [`NdDType`](crate::NdDType), [`ToNdarray`](crate::ToNdarray) on every device
//! through the backend's read-back, and [`FromNdarray`](crate::FromNdarray).

pub(crate) mod data;
pub(crate) mod dtype;
pub(crate) mod flex;
pub(crate) mod from;
pub(crate) mod module;
#[cfg(feature = "ndarray-0-22")]
pub(crate) mod ndarray;
pub(crate) mod to;
