//! The conformance suite on Burn 0.22, one module per backend, each built only with its
//! feature (`flex-0-22`, `ndarray-0-22`, `tch-0-22`, `wgpu-0-22`): one build serves every
//! backend compiled in, and a test filter (`-- flex::`) runs one.
//!
//! `cargo xtask test-backends` runs each backend as the tests under its module (`flex::`, ...):
//! a test outside them would run in no row.

mod flex;
mod ndarray;
mod tch;
mod wgpu;
