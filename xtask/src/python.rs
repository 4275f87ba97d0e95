//! The Python side: the venv the NumPy bridge is built and tested in (`burn_nd_demo` by
//! maturin, pytest, ml_dtypes), the environment a cargo command needs to embed that Python,
//! and the pytest rows of the matrix.

use std::env;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use crate::setup::{pip_setup, venv_dir};
use crate::{project_root, run_status, Error, NUMPY_VERSION};

/// PyPI packages of the bridge's venv: (package, module it is imported as, version).
const PACKAGES: [(&str, &str, &str); 4] = [
    ("numpy", "numpy", NUMPY_VERSION),
    ("pytest", "pytest", "9.2.0"),
    ("ml_dtypes", "ml_dtypes", "0.7.0"),
    ("maturin", "maturin", "1.16.0"),
];

/// `$BURN_ND_PYTHON_VENV`, default `~/.cache/burn-nd/python-venv`.
pub(crate) fn python_venv() -> PathBuf {
    venv_dir("BURN_ND_PYTHON_VENV", "python-venv")
}

/// Installs what is missing of [`PACKAGES`].
pub(crate) fn python_setup() -> Result<(), Error> {
    let venv = python_venv();
    PACKAGES
        .iter()
        .try_for_each(|&(package, module, version)| pip_setup(&venv, package, module, version))
}

/// The venv's interpreter, once it exists. Every cargo command builds PyO3 against it, so
/// PyO3's build script sees one interpreter whatever `PATH` a backend sets.
pub(crate) fn python() -> Option<PathBuf> {
    Some(python_venv().join("bin/python")).filter(|p| p.exists())
}

/// Lets a test binary that embeds Python (burn-nd-numpy's doctests) start it: libpython on
/// the library path (after whatever `cmd` already has there) and the venv's packages on
/// `PYTHONPATH`.
pub(crate) fn embed_env(cmd: &mut Command) -> Result<(), Error> {
    let python = python().ok_or("the Python venv is not set up")?;
    let out = Command::new(&python)
        .args([
            "-c",
            "import site, sysconfig; print(sysconfig.get_config_var('LIBDIR')); \
             print(site.getsitepackages()[0])",
        ])
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    let mut lines = text.lines();
    let (libdir, site) = (lines.next(), lines.next());
    let (Some(libdir), Some(site)) = (libdir, site) else {
        return Err(format!("{} did not say where libpython is", python.display()).into());
    };
    let current = cmd
        .get_envs()
        .find(|(k, _)| *k == "LD_LIBRARY_PATH")
        .and_then(|(_, v)| v.map(OsString::from))
        .or_else(|| env::var_os("LD_LIBRARY_PATH"))
        .unwrap_or_default();
    let mut paths = vec![PathBuf::from(libdir)];
    paths.extend(env::split_paths(&current));
    cmd.env("LD_LIBRARY_PATH", env::join_paths(paths)?);
    cmd.env("PYTHONPATH", site);
    Ok(())
}

/// `maturin develop` of `burn_nd_demo` for Burn line `feature` into the venv (`release`
/// for benchmarks).
pub(crate) fn build_demo(feature: &str, release: bool) -> Result<(), Error> {
    let venv = python_venv();
    let mut cmd = Command::new(venv.join("bin/maturin"));
    cmd.current_dir(project_root().join("examples/python"))
        .env("VIRTUAL_ENV", &venv)
        .args([
            "develop",
            "--quiet",
            "--no-default-features",
            "--features",
            feature,
        ]);
    if release {
        cmd.arg("--release");
    }
    run_status(&mut cmd)
}

/// pytest over `examples/python/tests`, verbose (one line per test), with `envs` added.
pub(crate) fn pytest(envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(python_venv().join("bin/python"));
    cmd.current_dir(project_root().join("examples/python"))
        .args(["-m", "pytest", "-v", "-p", "no:cacheprovider", "tests"])
        .envs(envs.iter().copied());
    cmd
}
