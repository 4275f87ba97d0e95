//! The element codec: each dtype's NumPy `descr`, and its elements to and from `.npy` bytes.

use std::io::{self, Read, Write};

use ndarray::{ArrayD, ArrayViewD};

use super::header;
use crate::NdElement;

/// How each element type is stored in an `.npy` file.
pub(super) trait NpyElement: NdElement {
    /// NumPy's kind character (`f`, `i`, `u` or `b`); `None` for bf16, which NumPy lacks.
    const KIND: Option<char>;

    /// Appends the elements encoded in `bytes` (a whole number of them) to `out`, swapping
    /// the byte order if `swap`; `Err(i)` names the first invalid element.
    fn decode(bytes: &[u8], swap: bool, out: &mut Vec<Self>) -> Result<(), usize>;
}

/// `NpyElement` for one entry of the dtype list: numbers are read unaligned (a file's data
/// need not be aligned for the type) and byte-swapped when the file's order is not ours;
/// bool bytes must be 0 or 1.
macro_rules! npy_element {
    (BF16, $t:ty, $kind:ident) => {
        npy_element!(@number $t, None);
    };
    (Bool, $t:ty, $kind:ident) => {
        impl NpyElement for $t {
            const KIND: Option<char> = Some('b');

            fn decode(bytes: &[u8], _swap: bool, out: &mut Vec<Self>) -> Result<(), usize> {
                // A byte other than 0 or 1 is no bool; reading it as one would be undefined
                // behaviour.
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
    };
    ($v:ident, $t:ty, float) => { npy_element!(@number $t, Some('f')); };
    ($v:ident, $t:ty, half) => { npy_element!(@number $t, Some('f')); };
    ($v:ident, $t:ty, int) => { npy_element!(@number $t, Some('i')); };
    ($v:ident, $t:ty, uint) => { npy_element!(@number $t, Some('u')); };
    (@number $t:ty, $kind:expr) => {
        impl NpyElement for $t {
            const KIND: Option<char> = $kind;

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
    };
}

macro_rules! npy_elements {
    ([$($v:ident: $t:ty, $kind:ident, $b:literal, $n:literal;)*]) => {
        $(npy_element!($v, $t, $kind);)*
    };
}
dtypes!(npy_elements);

/// The `descr` NumPy writes for `E` on this machine; `None` for bf16.
pub(super) fn descr<E: NpyElement>() -> Option<String> {
    let size = std::mem::size_of::<E>();
    let order = if size == 1 { '|' } else { header::NATIVE };
    Some(format!("{order}{}{size}", E::KIND?))
}

/// Writes `array` in `.npy` format: standard or Fortran layout straight from memory, any
/// other layout through one standard-layout copy.
pub(super) fn write_array<E: NpyElement, W: Write>(array: &ArrayD<E>, w: &mut W) -> io::Result<()> {
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

pub(super) fn read_elements<E: NpyElement, R: Read>(
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
