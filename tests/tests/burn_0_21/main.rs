//! The conformance suite on Burn 0.21, one module per backend, each built only with its
//! feature (`ndarray-0-21`, `wgpu-0-21`, `tch-0-21`, `flex-0-21`): a backend is a type on this
//! line, so each is usually built and run on its own (`cargo xtask test-backends`).
//!
//! `cargo xtask test-backends` runs each backend as the tests under its module (`flex::`, ...):
//! a test outside them would run in no row.

mod flex;
mod ndarray;
mod tch;
mod wgpu;
