//! The element codec: each dtype's NumPy `descr`, and its elements to and from `.npy` bytes.

use std::io::{self, Read, Write};

use ndarray::{ArrayD, ArrayViewD};

use super::header;
use crate::{DTypeKind, NdDType, NdElement};

/// NumPy's kind character for `dtype` (`f`, `i`, `u` or `b`); `None` for bf16, which NumPy
/// lacks.
fn kind_char(dtype: NdDType) -> Option<char> {
    Some(match dtype.kind() {
        _ if dtype == NdDType::BF16 => return None,
        DTypeKind::Float => 'f',
        DTypeKind::Int => 'i',
        DTypeKind::Uint => 'u',
        DTypeKind::Bool => 'b',
    })
}

/// Appends the elements encoded in `bytes` (a whole number of them) to `out`: read unaligned
/// (a file's data need not be aligned for the type), byte-swapped if `swap` (the file's order
/// is not ours), each checked to be a valid `E` (a bool byte must be 0 or 1: reading another
/// as a bool would be undefined behaviour). `Err(i)` names the first invalid element.
fn decode<E: NdElement>(bytes: &[u8], swap: bool, out: &mut Vec<E>) -> Result<(), usize> {
    let size = std::mem::size_of::<E>();
    let mut swapped = [0u8; 16];
    for (i, chunk) in bytes.chunks_exact(size).enumerate() {
        let element = if swap {
            let swapped = &mut swapped[..size];
            swapped.copy_from_slice(chunk);
            swapped.reverse();
            bytemuck::checked::try_pod_read_unaligned::<E>(swapped)
        } else {
            bytemuck::checked::try_pod_read_unaligned::<E>(chunk)
        };
        out.push(element.map_err(|_| i)?);
    }
    Ok(())
}

/// The `descr` NumPy writes for `E` on this machine; `None` for bf16.
pub(super) fn descr<E: NdElement>() -> Option<String> {
    let size = std::mem::size_of::<E>();
    let order = if size == 1 { '|' } else { header::NATIVE };
    Some(format!("{order}{}{size}", kind_char(E::DTYPE)?))
}

/// Writes `array` in `.npy` format: standard or Fortran layout straight from memory, any
/// other layout through one standard-layout copy.
pub(super) fn write_array<E: NdElement, W: Write>(array: &ArrayD<E>, w: &mut W) -> io::Result<()> {
    let transposed = array.view().reversed_axes();
    let (fortran, view): (bool, ArrayViewD<E>) =
        if array.is_standard_layout() || !transposed.is_standard_layout() {
            (false, array.view())
        } else {
            (true, transposed)
        };
    let Some(descr) = descr::<E>() else {
        // Writers refuse bf16 before writing anything; this keeps the codec from inventing
        // a descr for it should one not.
        return Err(io::Error::other(format!("{} has no NumPy dtype", E::DTYPE)));
    };
    header::write(w, &descr, fortran, array.shape())?;
    let standard = view.as_standard_layout();
    match standard.as_slice() {
        Some(values) => w.write_all(bytemuck::cast_slice(values)),
        // Unreachable for a standard-layout array; kept so no path can panic.
        None => standard
            .iter()
            .try_for_each(|x| w.write_all(bytemuck::bytes_of(x))),
    }
}

/// Elements read per chunk, and the most preallocated before the data proves it exists.
const CHUNK_BYTES: usize = 1 << 20;
const MAX_UNPROVEN_BYTES: usize = 1 << 26;

pub(super) fn read_elements<E: NdElement, R: Read>(
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
        decode(chunk, swap, &mut out).map_err(|i| {
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
