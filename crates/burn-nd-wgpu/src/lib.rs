//! Read-back paths for device backends such as burn-wgpu, where reading a tensor means waiting
//! for the device and moving bytes across the bus:
//!
//! | you want | use |
//! |---|---|
//! | to await the read-back instead of blocking a thread | [`ToNdarrayAsync::into_ndarray_async`] |
//! | many tensors in one device sync | [`read_batch`] (a Burn `Transaction`) |
//! | fewer bytes across the bus when the target type is narrower | [`NarrowRead::into_ndarray_narrow`] |
//!
//! Everything is generic over `B: Backend`, so it lives in burn-nd (`burn_nd::read_batch` and
//! the rest) and works on every backend; this crate re-exports it under its old paths and is
//! where the wgpu read-back benchmark (`benches/readback.rs`) lives. On a backend without a
//! device the paths simply do what the plain conversion does.
//!
//! ```no_run
//! # use burn021 as burn;
//! use burn::tensor::Tensor;
//! use burn_nd::Casting;
//! use burn_nd_wgpu::{read_batch, NarrowRead, ToNdarrayAsync};
//! use burn_wgpu::{Wgpu, WgpuDevice};
//!
//! let device = WgpuDevice::default();
//! let t = Tensor::<Wgpu, 2>::ones([256, 256], &device);
//! let a = pollster::block_on(t.clone().into_ndarray_async::<f32>(Casting::Safe))?;
//! let many = read_batch::<f32, _>([t.clone(), t.clone() * 2.0], Casting::Safe)?;
//! let half = t.into_ndarray_narrow::<burn_nd::half::f16>(Casting::SameKind)?; // cast on device
//! assert_eq!((a[[0, 0]], many[1][[0, 0]], half[[0, 0]].to_f32()), (1.0, 2.0, 1.0));
//! # Ok::<_, burn_nd::Error>(())
//! ```
//! (`no_run` here because a documentation build may have no Vulkan driver; the same calls run
//! in the conformance suite and the `readback` benchmark.)
#![deny(missing_docs)]

pub use burn_nd;
pub use burn_nd::{read_batch, NarrowRead, ToNdarrayAsync};
