//! `cargo xtask miri`: the tests Miri can interpret, on the nightly toolchain.

use std::process::Command;

use crate::test::{all_passed, print_matrix, push_rows, run_tests, Row};
use crate::{project_root, run_status, Error};

/// What Miri runs: the unsafe code it can interpret. burn-nd's unit tests cover `HostBuffer`,
/// the slice reinterpretations and the cast loops (the AVX2 build and the huge-page advice are
/// skipped under Miri), and with `dlpack` the DLPack import's view of a producer's memory
/// (whose bytes between elements are left uninitialised) and the exports of burn-flex
/// storage; burn-nd-ndarray's sharing tests cover its zero-copy handovers.
/// libtorch's and NumPy's FFI cannot run under Miri.
const MIRI_RUNS: [(&str, &[&str]); 2] = [
    (
        "Miri: burn-nd unit tests",
        &["test", "-p", "burn-nd", "--lib", "--features", "dlpack"],
    ),
    (
        "Miri: burn-nd-ndarray zero-copy sharing",
        &[
            "test",
            "-p",
            "burn-nd-conformance",
            "--test",
            "burn_0_21",
            "share_",
        ],
    ),
];

/// `cargo xtask miri`: the [`MIRI_RUNS`] on the nightly toolchain (its `miri` and `rust-src`
/// components installed through rustup first when `setup` is set), as a matrix. A command of
/// its own, not rows of `test-backends`: on CI's two cores Miri builds Burn for about 12
/// minutes and interprets the unit tests for about 14 more, which would take a cold CI run
/// past its 60-minute budget.
pub(crate) fn miri(setup: bool) -> Result<bool, Error> {
    let mut rows = Vec::new();
    if setup {
        // Adds the components to an installed nightly (no update); installs one if missing.
        let have_nightly = Command::new("rustup")
            .args(["run", "nightly", "rustc", "--version"])
            .output()
            .is_ok_and(|out| out.status.success());
        let mut add = Command::new("rustup");
        if have_nightly {
            add.args([
                "component",
                "add",
                "--toolchain",
                "nightly",
                "miri",
                "rust-src",
            ]);
        } else {
            add.args(["toolchain", "install", "nightly", "--profile", "minimal"])
                .args(["--component", "miri", "--component", "rust-src"]);
        }
        if let Err(e) = run_status(&mut add) {
            rows.push(Row::failed(
                "Miri (setup)",
                format!("cannot install Miri: {e}"),
            ));
        }
    }
    if rows.is_empty() {
        for (row, args) in MIRI_RUNS {
            println!("\n=== {row} ===");
            let mut cmd = Command::new("rustup");
            cmd.current_dir(project_root())
                .env_remove("CARGO")
                .env_remove("RUSTC")
                .args(["run", "nightly", "cargo", "miri"])
                .args(args);
            let (counts, ok) = run_tests(&mut cmd, &|_| row.to_string())?;
            push_rows(&mut rows, counts, ok, row);
        }
    }
    print_matrix(&rows);
    Ok(all_passed(&rows))
}
