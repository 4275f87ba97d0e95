//! Named arrays as an `.npz` archive (a zip of `.npy` members).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;

use super::single::{check_writable, read_npy_impl, write_npy_to};
use super::{atomic, io_err, ReadOptions};
use crate::{DynArray, Error};

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
pub(super) fn write_npz_via<'a, N: AsRef<str> + 'a, W: Write + Seek>(
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

pub(super) fn read_npz_impl<R: Read + Seek>(
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
