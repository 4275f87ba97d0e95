//! Arbitrary bytes as an `.npz` archive: the reader must answer `Ok` or `Err`; a panic, a
//! hang, a crash or an allocation past libFuzzer's memory limit is a finding.
#![no_main]

use burn_nd::npy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = npy::read_npz_from(std::io::Cursor::new(data), "fuzz");
});
