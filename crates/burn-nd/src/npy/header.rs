//! The `.npy` header: the small Python dict `{'descr': ..., 'fortran_order': ..., 'shape': ...}`
//! that NumPy writes after the magic string, read and written here.
//!
//! NumPy reads it with `ast.literal_eval` under a `max_header_size` bound. This reader parses
//! the Python literal subset a header can hold (dicts, tuples, lists, strings, integers,
//! `True` / `False` / `None`) by recursive descent with no backtracking: every step consumes
//! input or fails, so the time is linear in the header's length, and containers nested deeper
//! than [`MAX_DEPTH`](super::literal::MAX_DEPTH) are refused before the recursion can go further. The header's length is
//! checked against the caller's bound before it is read.

use std::io::{self, Read, Write};

use super::literal::{parse_literal, Lit, Work};
use crate::{NdDType, NdElement};

/// NumPy's default `max_header_size` (`numpy.lib.format`, since NumPy 1.24).
pub const DEFAULT_MAX_HEADER_SIZE: usize = 10_000;

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The byte-order character of this machine's native order.
pub(super) const NATIVE: char = if cfg!(target_endian = "little") {
    '<'
} else {
    '>'
};

/// NumPy aligns the data that follows the header to this many bytes.
const ALIGN: usize = 64;

/// NumPy leaves room for the growing axis to reach this many digits (`np.save`'s
/// `GROWTH_AXIS_MAX_DIGITS`), so that a writer can append without moving the data.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// What a `.npy` header says about the data that follows it.
#[derive(Debug, PartialEq)]
pub(super) struct Header {
    /// The `descr` string, as written (`'<f8'`, `'f8'`, `'float64'`, ...).
    pub descr: String,
    /// `fortran_order`.
    pub fortran: bool,
    /// `shape`.
    pub shape: Vec<usize>,
}

/// Parses the text of a header (after the magic string and length) into its three fields,
/// with the counts of the work it took.
pub(super) fn parse(text: &[char]) -> (Result<Header, String>, Work) {
    let (literal, work) = parse_literal(text);
    (literal.and_then(|lit| header_from(lit, text)), work)
}

/// The three fields of a parsed header dict, checked as `numpy.lib.format` checks them.
fn header_from(lit: Lit, text: &[char]) -> Result<Header, String> {
    let Lit::Dict(pairs) = lit else {
        return Err("the header is not a dict".into());
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in pairs {
        // Later keys win, as in a Python dict literal.
        match key {
            Lit::Str(k) if k == "descr" => descr = Some(value),
            Lit::Str(k) if k == "fortran_order" => fortran = Some(value),
            Lit::Str(k) if k == "shape" => shape = Some(value),
            Lit::Str(k) => return Err(format!("unexpected key '{k}' in the header")),
            _ => return Err("a header key is not a string".into()),
        }
    }
    let (Some(descr), Some(fortran), Some(shape)) = (descr, fortran, shape) else {
        let text: String = text.iter().take(200).collect();
        return Err(format!(
            "the header lacks 'descr', 'fortran_order' or 'shape': {}",
            text.trim_end()
        ));
    };
    let descr = match descr {
        Lit::Str(s) => s,
        _ => {
            return Err(
                "unsupported NumPy dtype in 'descr' (structured, or not a string)".to_string(),
            )
        }
    };
    let Lit::Bool(fortran) = fortran else {
        return Err(format!("'fortran_order' is {fortran:?}, not True or False"));
    };
    let shape = match shape {
        Lit::Tuple(items) => items
            .into_iter()
            .map(|item| match item {
                Lit::Int(Some(n)) => usize::try_from(n).ok(),
                _ => None,
            })
            .collect::<Option<Vec<usize>>>(),
        _ => None,
    }
    .ok_or("'shape' is not a tuple of non-negative integers that fit in usize")?;
    Ok(Header {
        descr,
        fortran,
        shape,
    })
}

/// Reads the magic string, version, length and header from `r`, refusing a header longer than
/// `max_header_size` bytes before reading it. Returns the header and the bytes consumed.
pub(super) fn read<R: Read>(r: &mut R, max_header_size: usize) -> Result<(Header, u64), String> {
    let eof = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => "truncated in the header".to_string(),
        _ => format!("read failed in the header: {e}"),
    };
    let mut start = [0u8; 8];
    r.read_exact(&mut start).map_err(eof)?;
    if &start[..6] != MAGIC {
        return Err("not an .npy file (no \\x93NUMPY magic string)".into());
    }
    let (major, minor) = (start[6], start[7]);
    let len_bytes = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => return Err(format!("unsupported .npy format version {major}.{minor}")),
    };
    let mut len = [0u8; 4];
    r.read_exact(&mut len[..len_bytes]).map_err(eof)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > max_header_size {
        return Err(format!(
            "the header is {len} bytes, more than max_header_size = {max_header_size} \
             (NumPy's default bound; raise it with ReadOptions if the file is trusted)"
        ));
    }
    // Read as it arrives, not allocated from the claimed length: under a raised bound a
    // short file must not cost a buffer of the size it claims.
    let mut bytes = Vec::new();
    r.take(len as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("read failed in the header: {e}"))?;
    if bytes.len() < len {
        return Err("truncated in the header".into());
    }
    let text: Vec<char> = if major == 3 {
        std::str::from_utf8(&bytes)
            .map_err(|e| format!("the header is not UTF-8: {e}"))?
            .chars()
            .collect()
    } else {
        // Versions 1 and 2 are latin-1: each byte is the code point of the same number.
        bytes.iter().map(|&b| char::from(b)).collect()
    };
    let header = parse(&text).0?;
    Ok((header, (8 + len_bytes + len) as u64))
}

/// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 3)`.
fn shape_repr(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let items: Vec<String> = shape.iter().map(usize::to_string).collect();
            format!("({})", items.join(", "))
        }
    }
}

/// Writes the header `np.save` writes for these fields, byte for byte: the dict, room for the
/// growing axis, space padding to a 64-byte boundary, a newline; format version 1.0 unless the
/// header needs a 4-byte length (then 2.0).
pub(super) fn write<W: Write>(
    w: &mut W,
    descr: &str,
    fortran: bool,
    shape: &[usize],
) -> io::Result<()> {
    let order = if fortran { "True" } else { "False" };
    let mut dict = format!(
        "{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {}, }}",
        shape_repr(shape)
    );
    let growing = if fortran { shape.last() } else { shape.first() };
    if let Some(n) = growing {
        let digits = n.to_string().len();
        dict.extend(std::iter::repeat_n(
            ' ',
            GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits),
        ));
    }
    // `hlen` counts the final newline, as NumPy's `_wrap_header` does; the padding is 1 to 64.
    let hlen = dict.len() + 1;
    let (version, len_bytes) = if hlen + ALIGN <= usize::from(u16::MAX) {
        (1u8, 2)
    } else {
        (2, 4)
    };
    let pad = ALIGN - (MAGIC.len() + 2 + len_bytes + hlen) % ALIGN;
    let total = u32::try_from(hlen + pad)
        .map_err(|_| io::Error::other("the .npy header does not fit in 4 GiB"))?;
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_bytes + hlen + pad);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    out.extend_from_slice(&total.to_le_bytes()[..len_bytes]);
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    w.write_all(&out)
}

/// The Burn dtype of a NumPy `descr` string, and whether its bytes need swapping to this
/// machine's order. Accepts what `numpy.dtype` accepts for the dtypes Burn shares: an optional
/// byte order (`<`, `>`, `=`, `|`), then a kind and size (`f8`, `b1`), a one-character code
/// (`d`, `?`, `l`) or a name (`float64`, `bool`).
pub(super) fn parse_descr(descr: &str) -> Result<(NdDType, bool), String> {
    use std::ffi::c_long;
    let unsupported = || format!("unsupported NumPy dtype '{descr}'");
    let (order, rest) = match descr.chars().next() {
        Some(o @ ('<' | '>' | '=' | '|')) => (Some(o), &descr[1..]),
        _ => (None, descr),
    };
    let long = std::mem::size_of::<c_long>();
    let (kind, size) = match rest {
        "?" | "bool" => ('b', 1),
        "b" | "int8" | "byte" => ('i', 1),
        "B" | "uint8" | "ubyte" => ('u', 1),
        "h" | "int16" | "short" => ('i', 2),
        "H" | "uint16" | "ushort" => ('u', 2),
        "i" | "int32" | "intc" => ('i', 4),
        "I" | "uint32" | "uintc" => ('u', 4),
        "l" | "long" => ('i', long),
        "L" | "ulong" => ('u', long),
        "q" | "int64" | "longlong" | "int" | "p" | "intp" => ('i', 8),
        "Q" | "uint64" | "ulonglong" | "uint" | "P" | "uintp" => ('u', 8),
        "e" | "float16" | "half" => ('f', 2),
        "f" | "float32" | "single" => ('f', 4),
        "d" | "float64" | "double" | "float" => ('f', 8),
        _ => {
            let mut chars = rest.chars();
            let kind = chars.next().ok_or_else(unsupported)?;
            let digits = chars.as_str();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(unsupported());
            }
            (kind, digits.parse().map_err(|_| unsupported())?)
        }
    };
    let dtype = match (kind, size) {
        ('f', 8) => NdDType::F64,
        ('f', 4) => NdDType::F32,
        ('f', 2) => NdDType::F16,
        ('i', 8) => NdDType::I64,
        ('i', 4) => NdDType::I32,
        ('i', 2) => NdDType::I16,
        ('i', 1) => NdDType::I8,
        ('u', 8) => NdDType::U64,
        ('u', 4) => NdDType::U32,
        ('u', 2) => NdDType::U16,
        ('u', 1) => NdDType::U8,
        ('b', 1) => <bool as NdElement>::DTYPE,
        _ => return Err(unsupported()),
    };
    let swap = size > 1 && matches!(order, Some('<' | '>')) && order != Some(NATIVE);
    Ok((dtype, swap))
}

/// The bytes NumPy would need for `shape` of `itemsize`-byte elements, by NumPy's own rule:
/// the product of the non-zero axes, times the item size, must fit in `isize` (else NumPy
/// refuses the array as too big, even when an axis is 0 and it would hold nothing).
pub(super) fn numpy_nbytes(shape: &[usize], itemsize: usize) -> Result<usize, String> {
    shape
        .iter()
        .filter(|&&n| n != 0)
        .try_fold(itemsize, |acc, &n| acc.checked_mul(n))
        .filter(|&n| isize::try_from(n).is_ok())
        .map(|n| if shape.contains(&0) { 0 } else { n })
        .ok_or_else(|| {
            format!(
                "shape {shape:?} of {itemsize}-byte elements is too big for NumPy: the \
                 product of its non-zero axes, in bytes, must fit in isize"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npy::literal::MAX_DEPTH;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn header(s: &str) -> Result<Header, String> {
        parse(&chars(s)).0
    }

    #[test]
    fn numpys_own_headers_parse() {
        let h = header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }   \n");
        assert_eq!(
            h,
            Ok(Header {
                descr: "<f8".into(),
                fortran: false,
                shape: vec![2, 3]
            })
        );
        let h = header("{\"shape\":(7,),\"fortran_order\":True,\"descr\":\"|b1\"}").unwrap();
        assert_eq!((h.shape, h.fortran), (vec![7], true));
        let scalar = header("{'descr':'<i2','fortran_order':False,'shape':()}").unwrap();
        assert!(scalar.shape.is_empty());
        // `(3)` is the integer 3, not a tuple, as in Python.
        assert!(header("{'descr':'<i2','fortran_order':False,'shape':(3)}").is_err());
    }

    #[test]
    fn bad_headers_say_what_is_wrong() {
        let err = |s: &str| header(s).unwrap_err();
        assert!(err("{'descr': '<f8', 'shape': (1,)}").contains("lacks"));
        assert!(err("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}").contains("not True"));
        assert!(err("{'descr': '<f8', 'fortran_order': False, 'shape': [1]}").contains("tuple"));
        assert!(err("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}").contains("tuple"));
        let huge = "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}";
        assert!(err(huge).contains("fit in usize"));
        assert!(
            err("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}")
                .contains("structured")
        );
        assert!(
            err("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}")
                .contains("unexpected key")
        );
        assert!(err("{'descr': '<f8'").contains("unexpected end"));
        assert!(err("{'descr': '<f8} ").contains("unterminated"));
        assert!(err("{'descr': 0x10}").contains("unsupported number"));
        assert!(err("{'descr': foo}").contains("unsupported name 'foo'"));
        assert!(err("{} {}").contains("after the dict"));
    }

    #[test]
    fn nesting_past_the_bound_is_refused_without_recursing_further() {
        for (open, close) in [("(", ",)"), ("[", "]"), ("{'a':", "}")] {
            let deep = |n: usize| format!("{}1{}", open.repeat(n), close.repeat(n));
            let (ok, work) = parse(&chars(&deep(MAX_DEPTH)));
            assert!(!ok.unwrap_err().contains("nested"), "{open}");
            assert_eq!(work.depth, MAX_DEPTH);
            let (err, work) = parse(&chars(&deep(100_000)));
            assert!(err.unwrap_err().contains("nested deeper than 32"), "{open}");
            assert_eq!(work.depth, MAX_DEPTH);
        }
    }

    proptest! {
        /// Whatever the text, the parse takes at most a few steps per character and never
        /// nests past the bound: no input can make it slow or deep.
        #[test]
        fn work_is_linear_and_depth_bounded(
            text in prop::collection::vec(
                prop::sample::select(vec!['(', ')', '[', ']', '{', '}', ',', ':', '\'', '"',
                    '1', '-', ' ', 'T', 'r', 'u', 'e', 'a', '\\']),
                0..3000,
            ),
        ) {
            let (_, work) = parse(&text);
            prop_assert!(work.steps <= 2 * text.len() + 2, "{} steps for {}", work.steps, text.len());
            prop_assert!(work.depth <= MAX_DEPTH);
        }

        /// Every header the writer makes parses back to the same fields.
        #[test]
        fn written_headers_parse_back(
            shape in prop::collection::vec(any::<usize>(), 0..8),
            fortran in any::<bool>(),
        ) {
            let mut bytes = Vec::new();
            write(&mut bytes, "<f4", fortran, &shape).unwrap();
            prop_assert_eq!(bytes.len() % ALIGN, 0);
            let (h, used) = read(&mut &bytes[..], usize::MAX).unwrap();
            prop_assert_eq!(used as usize, bytes.len());
            prop_assert_eq!(h, Header { descr: "<f4".into(), fortran, shape });
        }
    }

    #[test]
    fn the_header_size_is_bounded_before_reading() {
        let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
        bytes.extend(u32::MAX.to_le_bytes());
        let err = read(&mut &bytes[..], DEFAULT_MAX_HEADER_SIZE).unwrap_err();
        assert!(
            err.contains("4294967295 bytes, more than max_header_size = 10000"),
            "{err}"
        );
        let err = read(&mut &b"\x93NUMPY\x04\x00"[..], 100).unwrap_err();
        assert!(err.contains("version 4.0"), "{err}");
    }

    #[test]
    fn descr_strings_numpy_accepts() {
        let native_swap = cfg!(target_endian = "big");
        for (s, dtype, swap) in [
            ("<f8", NdDType::F64, native_swap),
            ("f8", NdDType::F64, false),
            ("=f8", NdDType::F64, false),
            (">f4", NdDType::F32, !native_swap),
            ("float16", NdDType::F16, false),
            ("d", NdDType::F64, false),
            ("?", <bool as NdElement>::DTYPE, false),
            (">b1", <bool as NdElement>::DTYPE, false),
            ("|u1", NdDType::U8, false),
            ("int64", NdDType::I64, false),
        ] {
            assert_eq!(parse_descr(s), Ok((dtype, swap)), "{s}");
        }
        for s in ["<c8", "<f3", "U5", "<M8[ns]", "", "<", "|V8", "f+8", "g"] {
            assert!(parse_descr(s).is_err(), "{s}");
        }
    }

    #[test]
    fn numpys_size_rule() {
        assert_eq!(numpy_nbytes(&[2, 3], 4), Ok(24));
        assert_eq!(numpy_nbytes(&[0, 1 << 20], 8), Ok(0));
        assert!(numpy_nbytes(&[0, 1 << 61], 4).is_err());
        assert!(numpy_nbytes(&[0, 1 << 32, 1 << 32, 1 << 32], 1).is_err());
        assert_eq!(numpy_nbytes(&[], 2), Ok(2));
    }
}
