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
//!
//! The codec (header, elements, single files, archives, atomic writes) names no Burn crate;
//! `tensor` adds tensors and modules of every line.

mod atomic;
mod header;
mod literal;

/// Hooks for the fuzz targets in `fuzz/` (built with `--cfg fuzzing` only).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// The work counts (steps, deepest nesting) of parsing `bytes` as a latin-1 header text.
    pub fn header_work(bytes: &[u8]) -> (usize, usize) {
        let text: Vec<char> = bytes.iter().map(|&b| char::from(b)).collect();
        let work = super::header::parse(&text).1;
        (work.steps, work.depth)
    }
}

mod archive;
mod element;
mod single;
mod tensor;

pub use archive::{read_npz, read_npz_from, write_npz};
pub use single::{read_npy, read_npy_from, write_npy, write_npy_to};
pub use tensor::{load_module_npz, save_module_npz, NpyTensor};

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use archive::read_npz_impl;
use single::read_npy_impl;

use crate::{DynArray, Error};

/// Limits on what the readers accept, for files that need more than NumPy's defaults.
///
/// ```
/// use burn_nd::{npy::{self, ReadOptions}, DynArray};
/// use burn_nd::ndarray::ArrayD;
///
/// let a = DynArray::from(ArrayD::<u8>::zeros(vec![1; 32]));
/// let mut bytes = Vec::new();
/// npy::write_npy_to(&a, &mut bytes, "memory")?;
/// // A 32-axis header is 182 bytes: over a 100-byte bound, under the default one.
/// assert!(ReadOptions::default().max_header_size(100).read_npy_from(&bytes[..], None, "m").is_err());
/// assert_eq!(ReadOptions::default().read_npy_from(&bytes[..], None, "m")?, a);
/// # Ok::<_, burn_nd::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    max_header_size: usize,
}

impl Default for ReadOptions {
    /// NumPy's defaults: `max_header_size` 10,000 bytes.
    fn default() -> Self {
        ReadOptions {
            max_header_size: header::DEFAULT_MAX_HEADER_SIZE,
        }
    }
}

impl ReadOptions {
    /// The longest `.npy` header accepted, in bytes (NumPy's `max_header_size`; default
    /// 10,000). Longer headers are refused before they are read. Raise it only for trusted
    /// files: the parse is linear in the header's length, but the header is held in memory.
    ///
    /// ```
    /// let options = burn_nd::npy::ReadOptions::default().max_header_size(1 << 20);
    /// # let _ = options;
    /// ```
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.max_header_size = bytes;
        self
    }

    /// [`read_npy_from`] under these limits.
    ///
    /// ```
    /// use burn_nd::npy::ReadOptions;
    ///
    /// assert!(ReadOptions::default().read_npy_from(&b"not npy"[..], None, "m").is_err());
    /// ```
    pub fn read_npy_from<R: Read>(
        &self,
        r: R,
        len: Option<u64>,
        name: &str,
    ) -> Result<DynArray, Error> {
        read_npy_impl(r, len, true, self).map_err(|reason| Error::Npy {
            file: name.to_owned(),
            reason,
        })
    }

    /// [`read_npy`] under these limits.
    ///
    /// ```
    /// use burn_nd::npy::ReadOptions;
    ///
    /// assert!(ReadOptions::default().read_npy("/no/such/file.npy").is_err());
    /// ```
    pub fn read_npy(&self, path: impl AsRef<Path>) -> Result<DynArray, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(io_err(path))?;
        let len = file.metadata().map_err(io_err(path))?.len();
        self.read_npy_from(BufReader::new(file), Some(len), &path.display().to_string())
    }

    /// [`read_npz`] under these limits.
    ///
    /// ```
    /// use burn_nd::npy::ReadOptions;
    ///
    /// assert!(ReadOptions::default().read_npz("/no/such/file.npz").is_err());
    /// ```
    pub fn read_npz(&self, path: impl AsRef<Path>) -> Result<BTreeMap<String, DynArray>, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(io_err(path))?;
        self.read_npz_from(BufReader::new(file), &path.display().to_string())
    }

    /// [`read_npz_from`] under these limits.
    ///
    /// ```
    /// use burn_nd::npy::ReadOptions;
    ///
    /// // The smallest zip archive: an end-of-directory record and no members.
    /// let mut empty = b"PK\x05\x06".to_vec();
    /// empty.extend([0u8; 18]);
    /// assert!(ReadOptions::default().read_npz_from(std::io::Cursor::new(empty), "m")?.is_empty());
    /// # Ok::<_, burn_nd::Error>(())
    /// ```
    pub fn read_npz_from<R: Read + Seek>(
        &self,
        r: R,
        name: &str,
    ) -> Result<BTreeMap<String, DynArray>, Error> {
        read_npz_impl(r, name, self)
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::archive::write_npz_via;
    use super::single::write_npy_via;
    use super::*;
    use ndarray::{arr1, arr2, ArrayD, ShapeBuilder};
    use proptest::prelude::*;

    fn bytes_of(array: &DynArray) -> Vec<u8> {
        let mut out = Vec::new();
        write_npy_to(array, &mut out, "memory").unwrap();
        out
    }

    /// A standard-layout `.npy` header for `descr` and `shape`, no data.
    fn header(descr: &str, shape: Vec<usize>) -> Vec<u8> {
        let mut bytes = Vec::new();
        header::write(&mut bytes, descr, false, &shape).unwrap();
        bytes
    }

    fn read(bytes: &[u8], exact_len: bool) -> Result<DynArray, Error> {
        read_npy_from(bytes, exact_len.then_some(bytes.len() as u64), "memory")
    }

    fn samples() -> Vec<DynArray> {
        let f = ArrayD::from_shape_vec(vec![2, 3].f(), vec![1.0f32, -0.0, f32::NAN, 4.0, 5.5, 6.0])
            .unwrap();
        vec![
            f.clone().into(),
            f.mapv(half::f16::from_f32).into(),
            arr2(&[[i64::MIN, 0], [1, i64::MAX]]).into_dyn().into(),
            arr1(&[true, false, true]).into_dyn().into(),
            ArrayD::<u16>::zeros(vec![0, 4]).into(),
            ArrayD::from_elem(vec![], 7i8).into(),
        ]
    }

    #[test]
    fn round_trips_keep_dtype_shape_layout_and_bits() {
        for a in samples() {
            let bytes = bytes_of(&a);
            for exact_len in [true, false] {
                let b = read(&bytes, exact_len).unwrap();
                assert_eq!(format!("{a:?}"), format!("{b:?}")); // NaN-safe, layout-aware
            }
        }
    }

    #[test]
    fn fortran_arrays_are_written_without_reordering() {
        let a = ArrayD::from_shape_vec(vec![2, 3].f(), (0..6u8).collect()).unwrap();
        let bytes = bytes_of(&a.clone().into());
        assert!(String::from_utf8_lossy(&bytes).contains("'fortran_order': True"));
        assert_eq!(&bytes[bytes.len() - 6..], &[0, 1, 2, 3, 4, 5]);
        // A view with steps is neither order: written in standard order.
        let stepped = a.slice(ndarray::s![.., ..;2]).to_owned().into_dyn();
        let back = read(&bytes_of(&stepped.clone().into()), true).unwrap();
        assert_eq!(back, DynArray::from(stepped));
    }

    #[test]
    fn big_endian_files_read_as_the_same_values() {
        let mut header = header(">f2", vec![2]);
        header.extend([0x3c, 0x00, 0xc0, 0x00]); // 1.0, -2.0 as big-endian f16
        let a = read(&header, true).unwrap();
        assert_eq!(
            a,
            DynArray::from(arr1(&[half::f16::from_f32(1.0), half::f16::from_f32(-2.0)]).into_dyn())
        );
    }

    #[test]
    fn bad_files_name_what_is_wrong() {
        let good = bytes_of(&arr1(&[1.0f64, 2.0]).into_dyn().into());
        let msg = |r: Result<DynArray, Error>| r.unwrap_err().to_string();
        assert!(
            msg(read(&good[..good.len() - 1], true)).contains("(16 data bytes), the file holds 15")
        );
        assert!(msg(read(&good[..good.len() - 1], false)).contains("truncated"));
        let mut long = good.clone();
        long.push(0);
        assert!(msg(read(&long, false)).contains("extra bytes"));
        assert!(msg(read(b"PK\x03\x04", false)).contains("truncated in the header"));
        assert!(msg(read(b"PK\x03\x04\0\0\0\0\0\0", false)).contains("not an .npy file"));
        let complex = header("<c8", vec![1]);
        assert!(msg(read(&complex, false)).contains("unsupported NumPy dtype '<c8'"));
        let mut bad_bool = bytes_of(&arr1(&[true, false]).into_dyn().into());
        *bad_bool.last_mut().unwrap() = 2;
        assert!(msg(read(&bad_bool, true)).contains("element 1 is 2"));
        assert!(matches!(
            write_npy_to(
                &DynArray::from(arr1(&[half::bf16::ONE]).into_dyn()),
                Vec::new(),
                "m"
            ),
            Err(Error::NotInNumpy { .. })
        ));
    }

    #[test]
    fn a_huge_shape_is_refused_before_allocating() {
        let bytes = header("<f8", vec![1 << 30, 1 << 20]);
        // Known length: refused from the header alone.
        assert!(read(&bytes, true).is_err());
        // Unknown length (an .npz member): at most 64 MiB reserved, then truncated.
        assert!(read(&bytes, false)
            .unwrap_err()
            .to_string()
            .contains("truncated"));
        let bytes = header("<f8", vec![usize::MAX, 2]);
        assert!(read(&bytes, false)
            .unwrap_err()
            .to_string()
            .contains("too big for NumPy"));
    }

    /// The destination after a failed write: the same bytes, and nothing else in the folder.
    fn unchanged(dir: &std::path::Path, path: &std::path::Path, before: &[u8], names: &[String]) {
        assert_eq!(std::fs::read(path).unwrap(), before, "{}", path.display());
        assert_eq!(atomic::tests::listing(dir), names);
    }

    #[test]
    fn failed_writes_leave_the_destination_as_it_was() {
        use atomic::tests::FailAfter;
        let dir = std::env::temp_dir().join(format!("burn_nd_failed_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (npy_path, npz_path) = (dir.join("old.npy"), dir.join("old.npz"));
        let old = DynArray::from(arr1(&[1u8, 2, 3]).into_dyn());
        write_npy(&npy_path, &old).unwrap();
        write_npz(&npz_path, [("old", &old)], false).unwrap();
        let (npy_before, npz_before) = (
            std::fs::read(&npy_path).unwrap(),
            std::fs::read(&npz_path).unwrap(),
        );
        let names = atomic::tests::listing(&dir);

        // Checked before anything is written: a bf16 member among good ones, a shape NumPy
        // would refuse.
        let good = samples();
        let bf16 = DynArray::from(arr1(&[half::bf16::ONE]).into_dyn());
        let members = [("a", &good[0]), ("b", &bf16), ("c", &good[1])];
        let err = write_npz(&npz_path, members, false).unwrap_err();
        assert!(
            matches!(&err, Error::Param { name, source } if name == "b"
            && matches!(**source, Error::NotInNumpy { .. })),
            "{err}"
        );
        let too_big = DynArray::from(ArrayD::<f32>::zeros(vec![0, 1 << 61]));
        let err = write_npy(&npy_path, &too_big).unwrap_err();
        assert!(matches!(err, Error::TooBigForNumpy { .. }), "{err}");
        assert!(matches!(
            write_npy(&npy_path, &bf16),
            Err(Error::NotInNumpy { .. })
        ));
        unchanged(&dir, &npy_path, &npy_before, &names);
        unchanged(&dir, &npz_path, &npz_before, &names);

        // A write that fails after any number of bytes: an `Err`, the old file intact.
        let new: BTreeMap<String, DynArray> = good
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("m{i}"), a.clone()))
            .collect();
        for compress in [false, true] {
            let sizes = dir.join("sizes.npz");
            write_npz(&sizes, &new, compress).unwrap();
            let full = std::fs::metadata(&sizes).unwrap().len() as usize;
            std::fs::remove_file(&sizes).unwrap();
            for budget in (0..full).step_by(37).chain([full - 1]) {
                let fail = |file| FailAfter { file, budget };
                let err = write_npz_via(&npz_path, &new, compress, fail).unwrap_err();
                assert!(err.to_string().contains("injected"), "{budget}: {err}");
                unchanged(&dir, &npz_path, &npz_before, &names);
            }
        }
        let full = bytes_of(&good[0]).len();
        for budget in 0..full {
            let err = write_npy_via(&npy_path, &good[0], |file| FailAfter { file, budget });
            assert!(
                err.unwrap_err().to_string().contains("injected"),
                "{budget}"
            );
            unchanged(&dir, &npy_path, &npy_before, &names);
        }
        // With room for every byte, the same calls replace the files.
        write_npz_via(&npz_path, &new, true, |file| FailAfter {
            file,
            budget: usize::MAX,
        })
        .unwrap();
        assert_eq!(
            format!("{:?}", read_npz(&npz_path).unwrap()),
            format!("{new:?}")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A device is written in place (it cannot be replaced by a rename), and its write error
    /// is an `Err`: `/dev/full` fails every write.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_that_fails_is_an_error_and_stays_a_device() {
        let a = DynArray::from(arr1(&[1.5f64; 1000]).into_dyn());
        let err = write_npy("/dev/full", &a).unwrap_err();
        assert!(
            matches!(&err, Error::Io { source, .. } if source.raw_os_error() == Some(28)),
            "{err}"
        );
        let err = write_npz("/dev/full", [("a", &a)], true).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    /// A zip writer dropped unfinished prints its failure to stderr; a failed `.npz` write must
    /// not. This test runs itself again as a child process to capture that stderr.
    #[test]
    fn a_failed_archive_prints_nothing() {
        const CHILD: &str = "BURN_ND_FAILED_ARCHIVE_CHILD";
        if let Some(dir) = std::env::var_os(CHILD) {
            let path = std::path::Path::new(&dir).join("x.npz");
            let a = DynArray::from(ArrayD::<f64>::zeros(vec![64, 64]));
            for budget in [0, 100, 5000, 30000] {
                let fail = |file| atomic::tests::FailAfter { file, budget };
                assert!(write_npz_via(&path, [("a", &a), ("b", &a)], false, fail).is_err());
            }
            return;
        }
        let dir = std::env::temp_dir().join(format!("burn_nd_quiet_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "npy::tests::a_failed_archive_prints_nothing",
                "--nocapture",
            ])
            .env(CHILD, &dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("ZipWriter"), "{stderr}");
        assert!(atomic::tests::listing(&dir).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 512 }))]

        /// The reader never panics: a valid file cut anywhere, with any byte changed, or any
        /// bytes at all are `Ok` or `Err`.
        #[test]
        fn reader_never_panics(
            which in 0usize..6,
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            noise in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let good = bytes_of(&samples()[which]);
            let cut_at = cut.index(good.len() + 1);
            let _ = read(&good[..cut_at], true);
            let _ = read(&good[..cut_at], false);
            let mut changed = good.clone();
            let i = flip.index(changed.len());
            changed[i] = byte;
            let _ = read(&changed, true);
            let _ = read(&changed, false);
            let _ = read(&noise, false);
            let mut prefixed = b"\x93NUMPY\x01\x00".to_vec();
            prefixed.extend(&noise);
            let _ = read(&prefixed, false);
        }

        /// A cut file is always an error (never a shorter array).
        #[test]
        fn a_truncated_file_is_an_error(which in 0usize..6, cut in any::<prop::sample::Index>()) {
            let good = bytes_of(&samples()[which]);
            let cut_at = cut.index(good.len());
            prop_assert!(read(&good[..cut_at], false).is_err());
            prop_assert!(read(&good[..cut_at], true).is_err());
        }
    }

    #[test]
    fn npz_round_trip_and_corrupt_members() {
        let dir = std::env::temp_dir().join(format!("burn_nd_npz_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let arrays: BTreeMap<String, DynArray> = samples()
            .into_iter()
            .enumerate()
            .map(|(i, a)| (format!("a{i}.x"), a))
            .collect();
        for compress in [false, true] {
            let path = dir.join(format!("all_{compress}.npz"));
            write_npz(&path, &arrays, compress).unwrap();
            let back = read_npz(&path).unwrap();
            assert_eq!(format!("{back:?}"), format!("{arrays:?}"));
            // Cut the archive anywhere: an error, never a panic.
            let bytes = std::fs::read(&path).unwrap();
            for cut in (0..bytes.len()).step_by(7) {
                let r = read_npz_from(std::io::Cursor::new(&bytes[..cut]), "cut");
                assert!(r.is_err(), "cut at {cut} read as {r:?}");
            }
        }
        let mut bf = BTreeMap::new();
        bf.insert("w", DynArray::from(arr1(&[half::bf16::ONE]).into_dyn()));
        let err = write_npz(dir.join("bf.npz"), bf.iter().map(|(k, v)| (*k, v)), false);
        assert!(matches!(err, Err(Error::Param { ref name, .. }) if name == "w"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
