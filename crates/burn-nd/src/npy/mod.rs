//! NumPy `.npy` and `.npz` files for [`DynArray`]s, tensors and whole modules (feature `npy`).
//!
//! | Burn dtype | NumPy dtype (`descr`) |
//! |---|---|
//! | f64, f32, f16 | `<f8`, `<f4`, `<f2` |
//! | i64, i32, i16, i8 | `<i8`, `<i4`, `<i2`, `\|i1` |
//! | u64, u32, u16, u8 | `<u8`, `<u4`, `<u2`, `\|u1` |
//! | bool | `\|b1` |
//! | bf16 | none: writing is an [`Error::NotInNumpy`]; widen with [`DynArray::cast`] first |
//!
//! Reading accepts both byte orders (`<`, `>`, `=`, `|`) and both memory orders: a
//! Fortran-order file gives a Fortran-layout array with the same logical values, and a
//! Fortran-contiguous array is written as `fortran_order: True` without a copy, as `np.save`
//! does. Any other NumPy dtype (complex, strings, structured, …) is an [`Error::Npy`] naming it.
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
//!   [`Error::Npy`], never a panic, a hang or a large allocation.
//! - **Atomic writes.** Every writer checks what it can first (dtypes, sizes) and then writes
//!   a temporary file in the destination's folder, syncs it and renames it over the
//!   destination. On any error the destination is exactly as it was and the temporary file is
//!   removed; a failure to finish an archive is an `Err`, never a message on stderr.
//!
//! `.npz` files are zip archives of `.npy` members (read: stored or deflated, as `np.savez` /
//! `np.savez_compressed` write them).

mod atomic;
mod header;

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

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::{BasicOps, DType, Tensor};
use ndarray::{ArrayD, ArrayViewD, IxDyn, ShapeBuilder};

use crate::{module_from_arrays, module_to_arrays, Casting, DynArray, Error, NdElement};

/// Element types with a NumPy dtype: every [`NdElement`] but bf16.
trait NpyElement: NdElement + bytemuck::NoUninit {
    /// NumPy's kind character: `f`, `i`, `u` or `b`.
    const KIND: char;

    /// Appends the elements encoded in `bytes` (a whole number of them) to `out`, swapping
    /// the byte order if `swap`; `Err(i)` names the first invalid element.
    fn decode(bytes: &[u8], swap: bool, out: &mut Vec<Self>) -> Result<(), usize>;
}

macro_rules! npy_numeric {
    ($($t:ty => $kind:literal),*) => {$(
        impl NpyElement for $t {
            const KIND: char = $kind;

            fn decode(bytes: &[u8], swap: bool, out: &mut Vec<Self>) -> Result<(), usize> {
                const N: usize = std::mem::size_of::<$t>();
                let chunks = bytes.chunks_exact(N);
                if swap {
                    out.extend(chunks.map(|c| {
                        let mut b = [0u8; N];
                        b.copy_from_slice(c);
                        b.reverse();
                        bytemuck::pod_read_unaligned::<$t>(&b)
                    }));
                } else {
                    out.extend(chunks.map(bytemuck::pod_read_unaligned::<$t>));
                }
                Ok(())
            }
        }
    )*};
}

npy_numeric!(
    f64 => 'f', f32 => 'f', half::f16 => 'f', i64 => 'i', i32 => 'i', i16 => 'i', i8 => 'i',
    u64 => 'u', u32 => 'u', u16 => 'u', u8 => 'u'
);

impl NpyElement for bool {
    const KIND: char = 'b';

    fn decode(bytes: &[u8], _swap: bool, out: &mut Vec<Self>) -> Result<(), usize> {
        // A byte other than 0 or 1 is no bool; reading it as one would be undefined behaviour.
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                0 => out.push(false),
                1 => out.push(true),
                _ => return Err(i),
            }
        }
        Ok(())
    }
}

/// The `descr` NumPy writes for `E` on this machine.
fn descr<E: NpyElement>() -> String {
    let size = std::mem::size_of::<E>();
    let order = if size == 1 { '|' } else { header::NATIVE };
    format!("{order}{}{size}", E::KIND)
}

/// Writes `array` in `.npy` format: standard or Fortran layout straight from memory, any
/// other layout through one standard-layout copy.
fn write_array<E: NpyElement, W: Write>(array: &ArrayD<E>, w: &mut W) -> io::Result<()> {
    let transposed = array.view().reversed_axes();
    let (fortran, view): (bool, ArrayViewD<E>) =
        if array.is_standard_layout() || !transposed.is_standard_layout() {
            (false, array.view())
        } else {
            (true, transposed)
        };
    header::write(w, &descr::<E>(), fortran, array.shape())?;
    let standard = view.as_standard_layout();
    match standard.as_slice() {
        Some(values) => w.write_all(bytemuck::cast_slice(values)),
        // Unreachable for a standard-layout array; kept so no path can panic.
        None => standard
            .iter()
            .try_for_each(|x| w.write_all(bytemuck::bytes_of(x))),
    }
}

/// Writes `array` to `w` in `.npy` format.
///
/// ```
/// use burn_nd::{npy, DynArray};
/// use burn_nd::ndarray::arr2;
///
/// let a = DynArray::from(arr2(&[[1i16, 2], [3, 4]]).into_dyn());
/// let mut bytes = Vec::new();
/// npy::write_npy_to(&a, &mut bytes, "memory")?;
/// assert_eq!(npy::read_npy_from(&bytes[..], None, "memory")?, a);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn write_npy_to<W: Write>(array: &DynArray, mut w: W, name: &str) -> Result<(), Error> {
    check_writable(array)?;
    let io = |source| Error::Io {
        path: name.into(),
        source,
    };
    match array {
        DynArray::F64(a) => write_array(a, &mut w),
        DynArray::F32(a) => write_array(a, &mut w),
        DynArray::F16(a) => write_array(a, &mut w),
        // Refused by `check_writable` above.
        DynArray::BF16(_) => return Err(Error::NotInNumpy { dtype: DType::BF16 }),
        DynArray::I64(a) => write_array(a, &mut w),
        DynArray::I32(a) => write_array(a, &mut w),
        DynArray::I16(a) => write_array(a, &mut w),
        DynArray::I8(a) => write_array(a, &mut w),
        DynArray::U64(a) => write_array(a, &mut w),
        DynArray::U32(a) => write_array(a, &mut w),
        DynArray::U16(a) => write_array(a, &mut w),
        DynArray::U8(a) => write_array(a, &mut w),
        DynArray::Bool(a) => write_array(a, &mut w),
    }
    .and_then(|()| w.flush())
    .map_err(io)
}

/// Everything that can make `array` unwritable, found before a byte is written: bf16 (no
/// NumPy dtype) and a shape NumPy would refuse to load as too big.
fn check_writable(array: &DynArray) -> Result<(), Error> {
    let dtype = array.dtype();
    if dtype == DType::BF16 {
        return Err(Error::NotInNumpy { dtype });
    }
    header::numpy_nbytes(array.shape(), dtype.size())
        .map(drop)
        .map_err(|_| Error::TooBigForNumpy {
            shape: array.shape().to_vec(),
            dtype,
        })
}

/// Elements read per chunk, and the most preallocated before the data proves it exists.
const CHUNK_BYTES: usize = 1 << 20;
const MAX_UNPROVEN_BYTES: usize = 1 << 26;

fn read_elements<E: NpyElement, R: Read>(
    r: &mut R,
    len: usize,
    swap: bool,
    trusted_size: bool,
) -> Result<Vec<E>, String> {
    let size = std::mem::size_of::<E>();
    let total = len * size; // checked by the caller
    let capacity = if trusted_size {
        len
    } else {
        len.min(MAX_UNPROVEN_BYTES / size)
    };
    let mut out = Vec::with_capacity(capacity);
    let mut buf = vec![0u8; CHUNK_BYTES.min(total.max(1))];
    let mut done = 0;
    while done < total {
        let n = buf.len().min(total - done);
        let chunk = &mut buf[..n];
        r.read_exact(chunk).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                format!("truncated: the header needs {total} data bytes, the file has fewer")
            }
            _ => format!("read failed after {done} data bytes: {e}"),
        })?;
        E::decode(chunk, swap, &mut out).map_err(|i| {
            format!(
                "element {} is {} (a bool must be 0 or 1)",
                done / size + i,
                chunk[i]
            )
        })?;
        done += n;
    }
    let mut extra = [0u8; 1];
    match r.read(&mut extra) {
        Ok(0) => Ok(out),
        Ok(_) => Err(format!(
            "extra bytes after the {total} data bytes the header describes"
        )),
        Err(e) => Err(format!("read failed after the data: {e}")),
    }
}

/// Reads an `.npy` stream. `remaining`, if known, is the stream's length: a header that
/// disagrees with it is refused before anything is allocated. `trusted` says whether that
/// length is the real one (a file's) rather than a claim (an archive's directory), and so may
/// size the allocation.
fn read_npy_impl<R: Read>(
    mut r: R,
    remaining: Option<u64>,
    trusted: bool,
    options: &ReadOptions,
) -> Result<DynArray, String> {
    let (header, header_bytes) = header::read(&mut r, options.max_header_size)?;
    let (dtype, swap) = header::parse_descr(&header.descr)?;
    let shape = header.shape;
    let bytes = header::numpy_nbytes(&shape, dtype.size())?;
    let len = bytes / dtype.size();
    if let Some(remaining) = remaining {
        let data = remaining.checked_sub(header_bytes);
        if data != Some(bytes as u64) {
            return Err(format!(
                "the header says shape {shape:?} of '{}' ({bytes} data bytes), the {} holds {}",
                header.descr,
                if trusted { "file" } else { "archive member" },
                data.map_or("less than a header".into(), |d| format!("{d}"))
            ));
        }
    }
    let trusted = trusted && remaining.is_some();
    let ix = IxDyn(&shape).set_f(header.fortran);
    macro_rules! read {
        ($t:ty) => {{
            let values = read_elements::<$t, _>(&mut r, len, swap, trusted)?;
            DynArray::from(ArrayD::from_shape_vec(ix, values).map_err(|e| e.to_string())?)
        }};
    }
    Ok(match dtype {
        DType::F64 => read!(f64),
        DType::F32 => read!(f32),
        DType::F16 => read!(half::f16),
        DType::I64 => read!(i64),
        DType::I32 => read!(i32),
        DType::I16 => read!(i16),
        DType::I8 => read!(i8),
        DType::U64 => read!(u64),
        DType::U32 => read!(u32),
        DType::U16 => read!(u16),
        DType::U8 => read!(u8),
        DType::Bool(_) => read!(bool),
        other => return Err(format!("unsupported dtype {other:?}")),
    })
}

/// Reads one `.npy` array from `r`. Pass the stream's length as `len` where it is known (a
/// file's size): the header is then checked against it before any allocation. `name` names
/// the source in errors.
///
/// ```
/// use burn_nd::{npy, Error};
///
/// let err = npy::read_npy_from(&b"\x93NUMPY\x01\x00"[..], None, "short.npy").unwrap_err();
/// assert!(matches!(err, Error::Npy { .. }));
/// ```
pub fn read_npy_from<R: Read>(r: R, len: Option<u64>, name: &str) -> Result<DynArray, Error> {
    ReadOptions::default().read_npy_from(r, len, name)
}

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

/// Writes `array` to the `.npy` file `path` (created or truncated), as `np.save` would.
///
/// ```
/// use burn_nd::{npy, DynArray};
/// use burn_nd::ndarray::arr1;
///
/// let path = std::env::temp_dir().join("burn_nd_doc_write.npy");
/// let a = DynArray::from(arr1(&[1.5f64, -2.0]).into_dyn());
/// npy::write_npy(&path, &a)?;
/// assert_eq!(npy::read_npy(&path)?, a);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn write_npy(path: impl AsRef<Path>, array: &DynArray) -> Result<(), Error> {
    write_npy_via(path.as_ref(), array, |f| f)
}

/// [`write_npy`] through `wrap` around the temporary file (tests inject failures there).
fn write_npy_via<W: Write + Seek>(
    path: &Path,
    array: &DynArray,
    wrap: impl FnOnce(File) -> W,
) -> Result<(), Error> {
    check_writable(array)?;
    atomic::replace(path, wrap, |w| {
        write_npy_to(array, BufWriter::new(w), &path.display().to_string())
    })
}

/// Reads the `.npy` file `path` (any dtype in the table above, either byte order, C or
/// Fortran order), as `np.load` would.
///
/// ```
/// use burn_nd::npy;
///
/// assert!(matches!(npy::read_npy("/no/such/file.npy"), Err(burn_nd::Error::Io { .. })));
/// ```
pub fn read_npy(path: impl AsRef<Path>) -> Result<DynArray, Error> {
    ReadOptions::default().read_npy(path)
}

/// Writes named arrays to the `.npz` file `path`, one `<name>.npy` member each, as
/// `np.savez` (stored) or, with `compress`, `np.savez_compressed` (deflate) would.
///
/// ```
/// use std::collections::BTreeMap;
/// use burn_nd::{npy, DynArray};
/// use burn_nd::ndarray::{arr1, arr2};
///
/// let path = std::env::temp_dir().join("burn_nd_doc_write.npz");
/// let mut arrays = BTreeMap::new();
/// arrays.insert("x".to_string(), DynArray::from(arr1(&[1u8, 2]).into_dyn()));
/// arrays.insert("y".to_string(), DynArray::from(arr2(&[[true], [false]]).into_dyn()));
/// npy::write_npz(&path, &arrays, true)?;
/// assert_eq!(npy::read_npz(&path)?, arrays);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn write_npz<'a, N: AsRef<str> + 'a>(
    path: impl AsRef<Path>,
    arrays: impl IntoIterator<Item = (N, &'a DynArray)>,
    compress: bool,
) -> Result<(), Error> {
    write_npz_via(path.as_ref(), arrays, compress, |f| f)
}

/// [`write_npz`] through `wrap` around the temporary file (tests inject failures there).
fn write_npz_via<'a, N: AsRef<str> + 'a, W: Write + Seek>(
    path: &Path,
    arrays: impl IntoIterator<Item = (N, &'a DynArray)>,
    compress: bool,
    wrap: impl FnOnce(File) -> W,
) -> Result<(), Error> {
    use zip::write::SimpleFileOptions;
    let arrays: Vec<(N, &DynArray)> = arrays.into_iter().collect();
    for (name, array) in &arrays {
        check_writable(array).map_err(|source| Error::Param {
            name: name.as_ref().to_owned(),
            source: Box::new(source),
        })?;
    }
    let zip_err = |e: zip::result::ZipError| Error::Io {
        path: path.to_owned(),
        source: match e {
            zip::result::ZipError::Io(e) => e,
            other => io::Error::other(other),
        },
    };
    let method = if compress {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    atomic::replace(path, wrap, |file| {
        let mut zip = zip::ZipWriter::new(atomic::Poison::new(BufWriter::new(file)));
        let mut members = || -> Result<(), Error> {
            for (name, array) in &arrays {
                let name = name.as_ref();
                let bytes = array.shape().iter().product::<usize>() * array.dtype().size();
                let options = SimpleFileOptions::default()
                    .compression_method(method)
                    .large_file(bytes >= u32::MAX as usize / 2);
                zip.start_file(format!("{name}.npy"), options)
                    .map_err(zip_err)?;
                write_npy_to(array, &mut zip, &format!("{}:{name}", path.display()))?;
            }
            Ok(())
        };
        if let Err(e) = members() {
            // Drop the member left half-written, so that the finalising drop (into the
            // poisoned writer, which discards it) does not account for it.
            let _ = zip.abort_file();
            return Err(e);
        }
        let inner = zip.finish().map_err(zip_err)?;
        inner
            .into_inner()
            .and_then(|mut w| w.flush())
            .map_err(io_err(path))
    })
}

/// Reads every member of the `.npz` file `path` into a map from name (without `.npy`) to
/// array, as `dict(np.load(path))` would.
///
/// ```
/// use burn_nd::{npy, Error};
///
/// let path = std::env::temp_dir().join("burn_nd_doc_not_a_zip.npz");
/// std::fs::write(&path, b"not a zip")?;
/// assert!(matches!(npy::read_npz(&path), Err(Error::Npy { .. })));
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
pub fn read_npz(path: impl AsRef<Path>) -> Result<BTreeMap<String, DynArray>, Error> {
    ReadOptions::default().read_npz(path)
}

/// [`read_npz`] from any seekable reader; `name` names the source in errors.
///
/// ```
/// use burn_nd::npy;
///
/// assert!(npy::read_npz_from(std::io::Cursor::new(b"PK\x03\x04"), "memory").is_err());
/// ```
pub fn read_npz_from<R: Read + Seek>(
    r: R,
    name: &str,
) -> Result<BTreeMap<String, DynArray>, Error> {
    ReadOptions::default().read_npz_from(r, name)
}

/// Deflate turns at most 1032 output bytes out of one input byte (its longest back-reference
/// per bit); an archive member that declares more is lying about its size.
const DEFLATE_MAX_RATIO: u64 = 1032;

fn read_npz_impl<R: Read + Seek>(
    r: R,
    name: &str,
    options: &ReadOptions,
) -> Result<BTreeMap<String, DynArray>, Error> {
    let bad = |member: &str, reason: String| Error::Npy {
        file: if member.is_empty() {
            name.to_owned()
        } else {
            format!("{name}:{member}")
        },
        reason,
    };
    let mut zip =
        zip::ZipArchive::new(r).map_err(|e| bad("", format!("not a zip archive: {e}")))?;
    // Directory entries (`zip -r`, `zipfile.mkdir`) hold no array: NumPy skips them too.
    let mut members = Vec::new();
    for i in 0..zip.len() {
        let member = zip
            .by_index_raw(i)
            .map_err(|e| bad("", format!("member {i}: {e}")))?;
        if !member.is_dir() {
            members.push((i, member.name().to_owned()));
        }
    }
    let names: std::collections::BTreeSet<&str> =
        members.iter().map(|(_, name)| name.as_str()).collect();
    let mut arrays = BTreeMap::new();
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (i, full) in &members {
        // NumPy's keys: a member loads under its name without `.npy`, unless another member
        // has exactly that name; then it keeps its full name (`a` and `a.npy` stay apart).
        let key = match full.strip_suffix(".npy") {
            Some(s) if !names.contains(s) => s.to_owned(),
            _ => full.clone(),
        };
        if let Some(first) = sources.get(&key) {
            return Err(bad(
                full,
                format!("members '{first}' and '{full}' would both load as '{key}'"),
            ));
        }
        let member = zip
            .by_index(*i)
            .map_err(|e| bad(full, format!("cannot open: {e}")))?;
        let declared = member.size();
        let limit = match member.compression() {
            zip::CompressionMethod::Stored => member.compressed_size(),
            _ => member
                .compressed_size()
                .saturating_mul(DEFLATE_MAX_RATIO)
                .saturating_add(64),
        };
        if declared > limit {
            return Err(bad(
                full,
                format!(
                    "the archive declares {declared} bytes from {} stored bytes, more than \
                     its compression can produce",
                    member.compressed_size()
                ),
            ));
        }
        // The declared size bounds what is inflated: one byte more shows a lie.
        let array = read_npy_impl(member.take(declared + 1), Some(declared), false, options)
            .map_err(|reason| bad(full, reason))?;
        sources.insert(key.clone(), full.clone());
        arrays.insert(key, array);
    }
    Ok(arrays)
}

/// `.npy` files for tensors: `tensor.write_npy(path)` and `Tensor::read_npy(path, &device)`.
///
/// ```
/// use burn::tensor::{DType, Int, Tensor};
/// use burn_nd::npy::NpyTensor;
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let path = std::env::temp_dir().join("burn_nd_doc_tensor.npy");
/// let t = Tensor::<NdArray, 2, Int>::from_ints([[1, 2], [3, 4]], &device);
/// t.write_npy(&path)?;
/// let back = Tensor::<NdArray, 2, Int>::read_npy(&path, &device)?;
/// assert_eq!(back.dtype(), DType::I64);
/// assert_eq!(back.into_data(), t.into_data());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait NpyTensor<B: Backend>: Sized {
    /// Writes the tensor, in its own dtype, to the `.npy` file `path` (one read-back; a
    /// bf16 tensor is an [`Error::NotInNumpy`]: widen it with `write_npy_as`).
    fn write_npy(&self, path: impl AsRef<Path>) -> Result<(), Error>;

    /// Writes the tensor cast to `E` under `casting`: `write_npy_as::<f32>(path,
    /// Casting::Safe)` is how a bf16 tensor is saved for NumPy.
    ///
    /// ```
    /// use burn::tensor::{DType, Tensor};
    /// use burn_nd::{npy::{self, NpyTensor}, Casting, Error};
    /// use burn_ndarray::NdArray;
    ///
    /// let path = std::env::temp_dir().join("burn_nd_doc_write_as.npy");
    /// let t = Tensor::<NdArray<f64>, 1>::from_floats([1.5], &Default::default());
    /// assert!(matches!(t.write_npy_as::<f32>(&path, Casting::Safe), Err(Error::Casting { .. })));
    /// t.write_npy_as::<f32>(&path, Casting::SameKind)?;
    /// assert_eq!(npy::read_npy(&path)?.dtype(), DType::F32);
    /// # Ok::<_, Error>(())
    /// ```
    fn write_npy_as<E: NdElement>(
        &self,
        path: impl AsRef<Path>,
        casting: Casting,
    ) -> Result<(), Error>;

    /// Reads the `.npy` file `path` into a tensor of the file's dtype on `device`: the
    /// tensor kind must hold that dtype and the backend support it ([`Error::Unsupported`]),
    /// and the rank must match ([`Error::Rank`]).
    fn read_npy(path: impl AsRef<Path>, device: &B::Device) -> Result<Self, Error>;
}

impl<B: Backend, const D: usize, K: BasicOps<B>> NpyTensor<B> for Tensor<B, D, K>
where
    K::Primitive: 'static,
{
    fn write_npy(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        write_npy(path, &DynArray::from_tensor(self)?)
    }

    fn write_npy_as<E: NdElement>(
        &self,
        path: impl AsRef<Path>,
        casting: Casting,
    ) -> Result<(), Error> {
        let array = DynArray::from_tensor(self)?.cast(E::DTYPE, casting)?;
        write_npy(path, &array)
    }

    fn read_npy(path: impl AsRef<Path>, device: &B::Device) -> Result<Self, Error> {
        read_npy(path)?.to_tensor(device)
    }
}

/// Saves every parameter of `module` to the `.npz` file `path`, named as
/// [`module_to_arrays`] names them (`fc1.weight`), so `np.load(path)["fc1.weight"]` works.
/// A bf16 parameter is an [`Error::Param`] wrapping [`Error::NotInNumpy`].
///
/// ```
/// use burn::nn::{Linear, LinearConfig};
/// use burn_nd::{npy, Casting};
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let path = std::env::temp_dir().join("burn_nd_doc_module.npz");
/// let a: Linear<NdArray> = LinearConfig::new(3, 2).init(&device);
/// npy::save_module_npz(&a, &path)?;
/// let b: Linear<NdArray> = npy::load_module_npz(LinearConfig::new(3, 2).init(&device), &path, Casting::No)?;
/// assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn save_module_npz<B: Backend, M: Module<B>>(
    module: &M,
    path: impl AsRef<Path>,
) -> Result<(), Error> {
    write_npz(path, &module_to_arrays(module)?, false)
}

/// Loads every parameter of `module` from the `.npz` file `path` (see [`module_from_arrays`]
/// for the rules: strict names, exact shapes, each cast to the parameter's dtype under
/// `casting`).
///
/// ```
/// use burn::nn::LinearConfig;
/// use burn_nd::{npy, Casting, Error};
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let path = std::env::temp_dir().join("burn_nd_doc_module_wrong.npz");
/// npy::save_module_npz(&LinearConfig::new(3, 2).init::<NdArray>(&device), &path)?;
/// let err = npy::load_module_npz(LinearConfig::new(4, 2).init::<NdArray>(&device), &path, Casting::No);
/// assert!(matches!(err, Err(Error::Param { .. })));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn load_module_npz<B: Backend, M: Module<B>>(
    module: M,
    path: impl AsRef<Path>,
    casting: Casting,
) -> Result<M, Error> {
    module_from_arrays(module, &read_npz(path)?, casting)
}

#[cfg(test)]
mod tests {
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
