//! `cargo xtask setup`: what each backend needs (lavapipe, the torch venv), the NumPy venv,
//! cargo-fuzz, each installed only when missing; and the environment a backend's commands run
//! in.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{cargo, project_root, run_status, Backend, Error, TORCH_VERSION};

/// crates.io version of cargo-fuzz that runs the `.npy` / `.npz` fuzz targets.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The venv named by `$var`, default `~/.cache/burn-nd/<name>`.
pub(crate) fn venv_dir(var: &str, name: &str) -> PathBuf {
    if let Some(dir) = env::var_os(var) {
        return PathBuf::from(dir);
    }
    let home = env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/burn-nd").join(name)
}

pub(crate) fn torch_venv() -> PathBuf {
    venv_dir("BURN_ND_TORCH_VENV", "torch-venv")
}

pub(crate) fn numpy_venv() -> PathBuf {
    venv_dir("BURN_ND_NUMPY_VENV", "numpy-venv")
}

/// Makes sure `venv` holds PyPI `package==version` (imported as `module`), installing it if
/// not; says what it did.
pub(crate) fn pip_setup(
    venv: &Path,
    package: &str,
    module: &str,
    version: &str,
) -> Result<(), Error> {
    if let Some(found) = installed(venv, module) {
        if found.split('+').next() == Some(version) {
            println!("setup: {package} {found} already in {}", venv.display());
            return Ok(());
        }
        println!(
            "setup: {} holds {package} {found}, need {version}",
            venv.display()
        );
    }
    println!(
        "setup: installing {package}=={version} into {}",
        venv.display()
    );
    if !venv.join("bin/python").exists() {
        run_status(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
    }
    run_status(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--no-cache-dir", "--quiet"])
            .arg(format!("{package}=={version}")),
    )
}

/// The folder holding libtorch's shared libraries inside the venv.
fn torch_lib_dir(venv: &Path) -> Result<PathBuf, Error> {
    let out = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))",
        ])
        .output()?;
    if !out.status.success() {
        return Err(format!("torch is not importable from {}", venv.display()).into());
    }
    Ok(PathBuf::from(String::from_utf8(out.stdout)?.trim()))
}

/// The version of the Python module `module` importable from `venv`, if any.
fn installed(venv: &Path, module: &str) -> Option<String> {
    let out = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            &format!("import {module}; print({module}.__version__)"),
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs cargo-fuzz from crates.io if `cargo fuzz` is missing or another version.
pub(crate) fn fuzz_setup() -> Result<(), Error> {
    let out = cargo().args(["fuzz", "--version"]).output();
    let found = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if found
        .as_deref()
        .is_some_and(|v| v.ends_with(CARGO_FUZZ_VERSION))
    {
        println!(
            "setup fuzz: {} already installed",
            found.unwrap_or_default()
        );
        return Ok(());
    }
    println!("setup fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION}");
    run_status(cargo().args([
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
    ]))
}

/// Runs one fuzz target for `seconds` from its committed seeds, on the stable toolchain
/// (`--sanitizer none`: the code under test is safe Rust, so coverage alone guides it).
pub(crate) fn fuzz_command(target: &str, seconds: u32) -> Result<Command, Error> {
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    let corpus = target_dir.join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let mut cmd = cargo();
    cmd.current_dir(project_root().join("crates/burn-nd"))
        .args(["fuzz", "run", "--sanitizer", "none", "--target-dir"])
        .arg(target_dir.join("fuzz"))
        .arg(target)
        .arg(corpus)
        .arg(Path::new("fuzz/seeds").join(target))
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-rss_limit_mb=2048",
        ]);
    Ok(cmd)
}

pub(crate) fn setup_backend(backend: Backend) -> Result<(), Error> {
    match backend {
        Backend::Ndarray => {
            println!("setup ndarray: nothing to install (pure Rust)");
            Ok(())
        }
        Backend::Wgpu => {
            const PACKAGES: [&str; 2] = ["mesa-vulkan-drivers", "libvulkan1"];
            let missing: Vec<&str> = PACKAGES
                .into_iter()
                .filter(|p| !dpkg_installed(p))
                .collect();
            if missing.is_empty() {
                println!(
                    "setup wgpu: lavapipe already installed ({})",
                    PACKAGES.join(", ")
                );
                return Ok(());
            }
            let command = format!(
                "apt-get update && apt-get install -y --no-install-recommends {}",
                missing.join(" ")
            );
            if !is_root() {
                return Err(
                    format!("missing {}; run as root: {command}", missing.join(", ")).into(),
                );
            }
            println!("setup wgpu: installing {}", missing.join(", "));
            run_status(Command::new("sh").args(["-c", &command]))
        }
        Backend::Tch => {
            // About 3.8 GB: the wheel pulls CUDA libraries its CPU code also links.
            pip_setup(&torch_venv(), "torch", "torch", TORCH_VERSION)
        }
    }
}

/// Environment a backend's builds and test binaries need.
pub(crate) fn backend_env(backend: Backend, cmd: &mut Command) -> Result<(), Error> {
    match backend {
        Backend::Ndarray => {}
        Backend::Wgpu => {
            let runtime = env::temp_dir().join("burn-nd-xdg-runtime");
            std::fs::create_dir_all(&runtime)?;
            cmd.env("XDG_RUNTIME_DIR", runtime);
        }
        Backend::Tch => {
            let venv = torch_venv();
            let path = env::var_os("PATH").unwrap_or_default();
            let mut paths = vec![venv.join("bin")];
            paths.extend(env::split_paths(&path));
            cmd.env("PATH", env::join_paths(paths)?);
            cmd.env("LIBTORCH_USE_PYTORCH", "1");
            cmd.env("LD_LIBRARY_PATH", torch_lib_dir(&venv)?);
        }
    }
    Ok(())
}
