//! The Burn 0.21 line: burn-nd's conversions for `burn::Tensor<B, D, K>` (the release with a
//! backend type parameter), built on the line-free [`base`](crate::base).
//!
//! Generic code (every backend) is in `to`, `from`, `dynarray`, `module`, `batch` and `npy`;
//! what burn-nd knows of a particular backend is in that backend's module: `ndarray` for
//! burn-ndarray, `tch` for burn-tch (libtorch), `flex` for burn-flex, and `direct` picks
//! between them.

pub(crate) mod batch;
pub(crate) mod data;
pub(crate) mod direct;
pub(crate) mod dtype;
#[cfg(feature = "flex-0-21")]
pub(crate) mod flex;
pub(crate) mod from;
pub(crate) mod module;
pub(crate) mod ndarray;
#[cfg(feature = "tch-0-21")]
pub(crate) mod tch;
pub(crate) mod to;
