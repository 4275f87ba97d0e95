//! One array as an `.npy` file or stream.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};
use std::path::Path;

use ndarray::{ArrayD, IxDyn, ShapeBuilder};

use super::element::{read_elements, write_array};
use super::{atomic, header, ReadOptions};
use crate::{DynArray, Error, NdDType};

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
    dyn_array!(each array, a => write_array(a, &mut w))
        .and_then(|()| w.flush())
        .map_err(io)
}

/// Everything that can make `array` unwritable, found before a byte is written: bf16 (no
/// NumPy dtype) and a shape NumPy would refuse to load as too big.
pub(super) fn check_writable(array: &DynArray) -> Result<(), Error> {
    let dtype = array.dtype();
    if dtype == NdDType::BF16 {
        return Err(Error::NotInNumpy { dtype });
    }
    header::numpy_nbytes(array.shape(), dtype.size())
        .map(drop)
        .map_err(|_| Error::TooBigForNumpy {
            shape: array.shape().to_vec(),
            dtype,
        })
}

/// Reads an `.npy` stream. `remaining`, if known, is the stream's length: a header that
/// disagrees with it is refused before anything is allocated. `trusted` says whether that
/// length is the real one (a file's) rather than a claim (an archive's directory), and so may
/// size the allocation.
pub(super) fn read_npy_impl<R: Read>(
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
    // `parse_descr` gives only dtypes NumPy has, so never bf16.
    Ok(for_nd_dtype!(dtype, T => {
        let values = read_elements::<T, _>(&mut r, len, swap, trusted)?;
        DynArray::from(ArrayD::from_shape_vec(ix, values).map_err(|e| e.to_string())?)
    }))
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
pub(super) fn write_npy_via<W: Write + Seek>(
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
