//! NumPy `.npy` and `.npz` files for [`DynArray`](crate::DynArray)s, tensors and whole modules (feature `npy`).
//!
//! | Burn dtype | NumPy dtype (`descr`) |
//! |---|---|
//! | f64, f32, f16 | `<f8`, `<f4`, `<f2` |
//! | i64, i32, i16, i8 | `<i8`, `<i4`, `<i2`, `\|i1` |
//! | u64, u32, u16, u8 | `<u8`, `<u4`, `<u2`, `\|u1` |
//! | bool | `\|b1` |
//! | bf16 | none: writing is an [`Error::NotInNumpy`](crate::Error::NotInNumpy); widen with [`DynArray::cast`](crate::DynArray::cast) first |
//!
//! Reading accepts both byte orders (`<`, `>`, `=`, `|`) and both memory orders: a
//! Fortran-order file gives a Fortran-layout array with the same logical values, and a
//! Fortran-contiguous array is written as `fortran_order: True` without a copy, as `np.save`
//! does. Any other NumPy dtype (complex, strings, structured, …) is an [`Error::Npy`](crate::Error::Npy) naming it.
//!
//! Reading accepts every `descr` spelling `numpy.dtype` accepts for these dtypes (`'<f8'`,
//! `'f8'`, `'float64'`, `'d'`).
//!
//! # Reliability
//!
//! - **Hostile files.** The reader never trusts a file. A header longer than
//!   [`ReadOptions::max_header_size`] (NumPy's default, 10,000 bytes) is refused before it is
//!   read; the header is parsed in time linear in its length, with containers nested at most
//!   32 deep. The data size the header claims is checked against the file's length (for an
//!   `.npz` member, the size the archive's directory declares, which must be one deflate can
//!   produce from the stored bytes) before anything is allocated or inflated, and a shape
//!   NumPy would refuse as too big is refused too. A truncated, padded or corrupt file is an
//!   [`Error::Npy`](crate::Error::Npy), never a panic, a hang or a large allocation.
//! - **Atomic writes.** Every writer checks what it can first (dtypes, sizes) and then writes
//!   a temporary file in the destination's folder, syncs it and renames it over the
//!   destination. On any error the destination is exactly as it was and the temporary file is
//!   removed; a failure to finish an archive is an `Err`, never a message on stderr.
//!
//! `.npz` files are zip archives of `.npy` members (read: stored or deflated, as `np.savez` /
//! `np.savez_compressed` write them).

#[cfg(fuzzing)]
pub use crate::base::npy::fuzzing;
pub use crate::base::npy::tensor::{load_module_npz, save_module_npz, NpyTensor};
pub use crate::base::npy::{
    read_npy, read_npy_from, read_npz, read_npz_from, write_npy, write_npy_to, write_npz,
    ReadOptions,
};
