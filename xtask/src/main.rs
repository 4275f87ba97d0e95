//! Project automation, std only.
//!
//! ```text
//! cargo xtask setup [--backend ndarray|wgpu|tch ...]
//! cargo xtask test-backends [--backend ndarray|wgpu|tch ...] [--no-setup]
//! cargo xtask miri [--no-setup]
//! cargo xtask layout
//! cargo xtask bench [--quick] [--line 0.21|0.22] [--backend ndarray|wgpu|tch ...]
//! ```
//!
//! `setup` installs what each backend needs when it is missing (Mesa's lavapipe Vulkan driver
//! for wgpu, a Python venv holding PyPI `torch==2.9.0` for tch, and a small venv holding
//! `numpy==2.4.6` that the `.npy` tests check files with) and says what it did; a second
//! run does nothing. `test-backends` runs the formatting, lint and doc checks, the conformance
//! suite on each backend and its `Autodiff` form, a `cargo check` of the published crates on
//! the declared `rust-version`, the example scripts, and the `.npy` / `.npz`
//! fuzz targets for a few seconds each (cargo-fuzz, installed from crates.io if missing), then
//! prints a matrix and exits non-zero if anything failed. A backend that cannot run counts as
//! failed.

mod bench;
mod layout;
mod miri;
mod python;
mod setup;
mod test;

use setup::{numpy_venv, pip_setup, setup_backend};
use test::test_backends;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Error = Box<dyn std::error::Error>;

/// PyPI version of torch that tch 0.22 (burn-tch 0.21) builds against.
const TORCH_VERSION: &str = "2.9.0";
/// PyPI version of NumPy the `.npy` tests check files against.
const NUMPY_VERSION: &str = "2.4.6";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Backend {
    Ndarray,
    Wgpu,
    Tch,
}

impl Backend {
    const ALL: [Backend; 3] = [Backend::Ndarray, Backend::Wgpu, Backend::Tch];

    fn name(self) -> &'static str {
        match self {
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
            Backend::Tch => "tch",
        }
    }

    fn parse(name: &str) -> Result<Backend, Error> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| format!("unknown backend {name} (ndarray, wgpu or tch)").into())
    }
}

fn main() -> ExitCode {
    match try_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask setup [--backend ndarray|wgpu|tch ...]\n\
         cargo xtask test-backends [--backend ndarray|wgpu|tch ...] [--no-setup]\n\
         cargo xtask miri [--no-setup]\n\
         cargo xtask layout   (files <= 600 lines, <= 8 macros in burn-nd, no import circles)\n\
         cargo xtask bench [--quick] [--line 0.21|0.22] [--backend ndarray|wgpu|tch ...]\n\
         cargo xtask bench-python\n\
         \x20   (writes BENCHMARKS.md; both Burn lines unless --line; burn-flex on 0.22 always)\n\n\
         The torch venv lives in $BURN_ND_TORCH_VENV, default ~/.cache/burn-nd/torch-venv;\n\
         the NumPy venv in $BURN_ND_NUMPY_VENV, default ~/.cache/burn-nd/numpy-venv;\n\
         the Python bridge's venv in $BURN_ND_PYTHON_VENV, default ~/.cache/burn-nd/python-venv."
    );
}

fn try_main() -> Result<bool, Error> {
    let mut args = env::args().skip(1);
    let task = args.next();
    let mut backends = Vec::new();
    let mut setup = true;
    let mut quick = false;
    let mut lines = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--backend" => {
                let name = args.next().ok_or("--backend needs a value")?;
                backends.push(Backend::parse(&name)?);
            }
            "--no-setup" => setup = false,
            "--quick" => quick = true,
            "--line" => {
                let name = args.next().ok_or("--line needs a value")?;
                let line = bench::LINES
                    .into_iter()
                    .find(|l| *l == name)
                    .ok_or_else(|| format!("unknown Burn line {name} (0.21 or 0.22)"))?;
                lines.push(line);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if backends.is_empty() {
        backends = Backend::ALL.to_vec();
    }
    backends.sort();
    backends.dedup();
    match task.as_deref() {
        Some("setup") => {
            let numpy = pip_setup(&numpy_venv(), "numpy", "numpy", NUMPY_VERSION)
                .map_err(|e| eprintln!("setup numpy: {e}"))
                .is_ok();
            let python = python::python_setup()
                .map_err(|e| eprintln!("setup python: {e}"))
                .is_ok();
            let backends_ok = backends.iter().all(|&b| match setup_backend(b) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("setup {}: {e}", b.name());
                    false
                }
            });
            Ok(numpy && python && backends_ok)
        }
        Some("test-backends") => test_backends(&backends, setup),
        Some("miri") => miri::miri(setup),
        Some("layout") => {
            let problems = layout::check()?;
            problems.iter().for_each(|p| println!("{p}"));
            Ok(problems.is_empty())
        }
        Some("bench-python") => python::bench_python(),
        Some("bench") => {
            if lines.is_empty() {
                lines = bench::LINES.to_vec();
            }
            bench::bench(quick, &lines, &backends)
        }
        _ => {
            print_help();
            Ok(task.is_none())
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(project_root());
    if let Some(python) = python::python() {
        cmd.env("PYO3_PYTHON", python);
    }
    cmd
}

fn run_status(cmd: &mut Command) -> Result<(), Error> {
    println!("$ {cmd:?}");
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}").into())
    }
}
