//! DLPack (feature `dlpack`): Burn tensors as DLPack managed tensors and back, through
//! [dlpark](https://docs.rs/dlpark) 0.10, re-exported as [`dlpark`]. DLPack is the array
//! world's zero-copy exchange: NumPy, PyTorch, JAX, CuPy and TensorFlow all produce and take
//! it (burn-nd-numpy's `PyTensor` and `from_python` carry it into Python).
//!
//! | you want | use |
//! |---|---|
//! | a tensor as a DLPack tensor (versioned, DLPack 1.x) | [`ToDlpack::to_dlpack`], [`ToDlpack::into_dlpack`] |
//! | the same for a consumer of DLPack < 1.0 (no flags) | [`ToDlpack::into_dlpack_legacy`] |
//! | many read-only exports of one tensor, each one allocation | [`ToDlpack::dlpack_share`], [`DlpackShare::to_dlpack`] |
//! | a DLPack tensor (versioned or legacy, any strides) as a tensor | [`FromDlpack::from_dlpack`], [`FromDlpack::from_dlpack_as`] |
//! | dtypes as DLPack's descriptors and back, devices by name | [`dl_dtype`], [`nd_dtype`], [`device_name`] |
//!
//! **What is shared and who may write it.** An export of a burn-flex or burn-ndarray tensor
//! hands the consumer the tensor's own storage, with its strides and offset, and keeps that
//! storage alive (a handle of the tensor held by the managed tensor) until the consumer
//! calls the deleter. While the export lives, Burn writes no byte of it: both backends write
//! in place only into storage no other handle shares, and the export is such a handle (read
//! in burn-flex 0.21.0 / 0.22.1 `storage_mut`, burn-ndarray's `is_unique` checks). The
//! consumer is told not to write either: such an export carries `READ_ONLY`, and a consumer
//! of the legacy ABI, which has no flags, gets a copy. Only memory no one else reaches is
//! exported writable: a unique tensor's buffer handed over by
//! [`into_dlpack`](ToDlpack::into_dlpack), or a copy (`IS_COPIED`). A consumer may ignore
//! `READ_ONLY` (PyTorch 2.9 does: `torch.from_dlpack` gives a writeable tensor), and its
//! writes then change what Burn reads, the hazard `torch.from_numpy` has; so Bool tensors
//! are never shared, only copied or handed over, since a byte other than 0 or 1 read as
//! `bool` is undefined behaviour in Rust. libtorch CPU tensors are copied:
//! burn-tch writes in place into storage other handles share (`scatter_nd`), so no export
//! of their memory can promise it stays unchanged. Tensors on other devices (wgpu, CUDA) are
//! read back, and that copy is exported (`IS_COPIED`).
//!
//! An import keeps the DLPack tensor as the Burn tensor's storage where it can (compact
//! row-major, aligned, a dtype the tensor kind holds; burn-flex and burn-ndarray), and runs its
//! deleter when the last tensor on that memory is dropped; an operation that would write in
//! place copies first, so the producer's memory is only ever read, whether or not it is
//! `READ_ONLY`. What Rust cannot stop, as with `torch.from_numpy`: the producer itself (a
//! PyTorch tensor it still holds) writing that memory while Burn reads it.
//!
//! ```
//! use burn::tensor::{Device, Tensor};
//! use burn_nd::dlpack::{DlpackFlags, FromDlpack, ToDlpack};
//! use burn_nd::ToNdarray;
//!
//! let device = Device::flex();
//! let t = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device).transpose();
//! let exported = t.to_dlpack()?; // t's storage, its strides, read-only
//! assert!(exported.flags().contains(DlpackFlags::READ_ONLY));
//! let back = Tensor::<2>::from_dlpack(exported, &device)?; // one copy: not row-major
//! assert_eq!(back.to_ndarray::<f32>()?, t.to_ndarray::<f32>()?);
//! # Ok::<_, burn_nd::Error>(())
//! ```

mod dtype;
mod export;
mod import;

pub use dlpark;
pub use dlpark::DlpackFlags;
pub use dtype::{device_name, dl_dtype, nd_dtype};

pub(crate) use export::{plan, Export, Plan};
pub use export::{DlpackShare, ToDlpack};
pub use import::FromDlpack;

/// A versioned DLPack managed tensor (`DLManagedTensorVersioned`, DLPack 1.x): what
/// [`ToDlpack`] gives. It owns the export: dropping it calls the deleter, which frees what
/// kept the memory alive; a consumer that takes it over (dlpark's `into_raw`) calls the
/// deleter itself.
pub type Dlpack = dlpark::versioned::Dlpack;

/// A legacy DLPack managed tensor (`DLManagedTensor`, DLPack < 1.0, no flags), for consumers
/// that know no other: [`ToDlpack::into_dlpack_legacy`].
pub type LegacyDlpack = dlpark::legacy::Dlpack;
