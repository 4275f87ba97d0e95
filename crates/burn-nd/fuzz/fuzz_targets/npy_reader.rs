//! Arbitrary bytes as an `.npy` file, with and without a known length, and as a bare header
//! text: the reader must answer `Ok` or `Err` (a panic, a hang or a crash is a finding), and
//! the header parser must stay within its linear work and depth bounds.
#![no_main]

use burn_nd::npy::{self, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = npy::read_npy_from(data, Some(data.len() as u64), "fuzz");
    let _ = npy::read_npy_from(data, None, "fuzz");
    let _ = ReadOptions::default()
        .max_header_size(usize::MAX)
        .read_npy_from(data, None, "fuzz");
    let (steps, depth) = npy::fuzzing::header_work(data);
    assert!(steps <= 2 * data.len() + 2, "{steps} steps for {} bytes", data.len());
    assert!(depth <= 32, "depth {depth}");
});
