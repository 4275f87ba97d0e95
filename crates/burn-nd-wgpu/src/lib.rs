//! Read-back paths for device backends such as burn-wgpu, where reading a tensor means waiting
//! for the device and moving bytes across the bus:
//!
//! | you want | use |
//! |---|---|
//! | to await the read-back instead of blocking a thread | [`ToNdarrayAsync::into_ndarray_async`] |
//! | many tensors in one device sync | [`read_batch`] (a Burn `Transaction`) |
//! | fewer bytes across the bus when the target type is narrower | [`NarrowRead::into_ndarray_narrow`] |
//!
//! Each works on both Burn lines (features `burn-0-22`, the default, and `burn-0-21`) and on
//! every backend, so the code lives in burn-nd (`burn_nd::read_batch` and the rest); this
//! crate re-exports it, and is where the wgpu read-back is measured (`benches/readback.rs`,
//! both lines in one run: batched and narrowed reads, and `read_into`, which copies a
//! read-back that already holds the requested type straight from Burn's buffer into the
//! caller's array). cubecl's client returns every read-back as a buffer of its own (its
//! `read*` calls give `Bytes`; none fills a caller's memory), so that buffer is the nearest a
//! read gets to the mapped staging memory. On a backend without a device the paths do what
//! the plain conversion does.
//!
//! ```no_run
//! use burn::tensor::{Device, DeviceKind, Tensor};
//! use burn_nd::Casting;
//! use burn_nd_wgpu::{read_batch, NarrowRead, ToNdarrayAsync};
//!
//! let device = Device::wgpu(DeviceKind::DefaultDevice);
//! let t = Tensor::<2>::ones([256, 256], &device);
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
