//! Project automation, std only.
//!
//! ```text
//! cargo xtask setup [--backend ndarray|wgpu|tch ...]
//! cargo xtask test-backends [--backend ndarray|wgpu|tch ...] [--no-setup]
//! cargo xtask bench [--quick] [--backend ndarray|wgpu|tch ...]
//! ```
//!
//! `setup` installs what each backend needs when it is missing (Mesa's lavapipe Vulkan driver
//! for wgpu, a Python venv holding PyPI `torch==2.9.0` for tch, and a small venv holding
//! `numpy==2.4.6` that the `.npy` tests check files with) and says what it did; a second
//! run does nothing. `test-backends` runs the formatting, lint and doc checks, the conformance
//! suite on each backend and its `Autodiff` form, the example scripts, and the `.npy` / `.npz`
//! fuzz targets for a few seconds each (cargo-fuzz, installed from crates.io if missing), then
//! prints a matrix and exits non-zero if anything failed. A backend that cannot run counts as
//! failed.

mod bench;

use std::collections::BTreeMap;
use std::env;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

type Error = Box<dyn std::error::Error>;

/// PyPI version of torch that tch 0.22 (burn-tch 0.21) builds against.
const TORCH_VERSION: &str = "2.9.0";
/// PyPI version of NumPy the `.npy` tests check files against.
const NUMPY_VERSION: &str = "2.4.6";
/// crates.io version of cargo-fuzz that runs the `.npy` / `.npz` fuzz targets.
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The fuzz targets in `crates/burn-nd/fuzz`, and how long the test run gives each.
const FUZZ_TARGETS: [&str; 2] = ["npy_reader", "npz_reader"];
const FUZZ_SMOKE_SECONDS: u32 = 20;

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
         cargo xtask bench [--quick] [--backend ndarray|wgpu|tch ...]   (writes BENCHMARKS.md)\n\n\
         The torch venv lives in $BURN_ND_TORCH_VENV, default ~/.cache/burn-nd/torch-venv;\n\
         the NumPy venv in $BURN_ND_NUMPY_VENV, default ~/.cache/burn-nd/numpy-venv."
    );
}

fn try_main() -> Result<bool, Error> {
    let mut args = env::args().skip(1);
    let task = args.next();
    let mut backends = Vec::new();
    let mut setup = true;
    let mut quick = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--backend" => {
                let name = args.next().ok_or("--backend needs a value")?;
                backends.push(Backend::parse(&name)?);
            }
            "--no-setup" => setup = false,
            "--quick" => quick = true,
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
            let backends_ok = backends.iter().all(|&b| match setup_backend(b) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("setup {}: {e}", b.name());
                    false
                }
            });
            Ok(numpy && backends_ok)
        }
        Some("test-backends") => test_backends(&backends, setup),
        Some("bench") => bench::bench(quick, &backends),
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
    cmd
}

/// The venv named by `$var`, default `~/.cache/burn-nd/<name>`.
fn venv_dir(var: &str, name: &str) -> PathBuf {
    if let Some(dir) = env::var_os(var) {
        return PathBuf::from(dir);
    }
    let home = env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/burn-nd").join(name)
}

fn torch_venv() -> PathBuf {
    venv_dir("BURN_ND_TORCH_VENV", "torch-venv")
}

fn numpy_venv() -> PathBuf {
    venv_dir("BURN_ND_NUMPY_VENV", "numpy-venv")
}

/// Makes sure `venv` holds PyPI `package==version` (imported as `module`), installing it if
/// not; says what it did.
fn pip_setup(venv: &Path, package: &str, module: &str, version: &str) -> Result<(), Error> {
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

fn run_status(cmd: &mut Command) -> Result<(), Error> {
    println!("$ {cmd:?}");
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}").into())
    }
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
fn fuzz_setup() -> Result<(), Error> {
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
fn fuzz_command(target: &str, seconds: u32) -> Result<Command, Error> {
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

fn setup_backend(backend: Backend) -> Result<(), Error> {
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
fn backend_env(backend: Backend, cmd: &mut Command) -> Result<(), Error> {
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

/// Makes `cmd` cover the whole workspace except the crates of backends that cannot build
/// here, with the environment the usable ones need.
fn workspace(cmd: &mut Command, usable: &[Backend]) -> Result<(), Error> {
    cmd.arg("--workspace");
    for b in [Backend::Wgpu, Backend::Tch] {
        if !usable.contains(&b) {
            cmd.args(["--exclude", &format!("burn-nd-{}", b.name())]);
        }
    }
    for &b in usable {
        backend_env(b, cmd)?;
    }
    Ok(())
}

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// One row of the final matrix.
struct Row {
    name: String,
    counts: Counts,
    /// Why the row failed beyond its test counts (a build that broke, a backend that could not run).
    problem: Option<String>,
}

impl Row {
    /// A row that failed once for `problem`, with no test counts of its own.
    fn failed(name: impl Into<String>, problem: impl Into<String>) -> Row {
        Row {
            name: name.into(),
            counts: Counts {
                failed: 1,
                ..Counts::default()
            },
            problem: Some(problem.into()),
        }
    }
}

/// Runs a cargo command, echoing its output, and counts `test NAME ... ok|FAILED|ignored`
/// lines by row: `label(test name)`.
fn run_tests(
    cmd: &mut Command,
    label: &dyn Fn(&str) -> String,
) -> Result<(BTreeMap<String, Counts>, bool), Error> {
    println!("$ {cmd:?}");
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            let Some(rest) = line.strip_prefix("test ") else {
                continue;
            };
            let Some((name, outcome)) = rest.rsplit_once(" ... ") else {
                continue;
            };
            let counts = rows.entry(label(name)).or_default();
            match outcome.trim() {
                "ok" => counts.passed += 1,
                o if o.starts_with("ignored") => counts.skipped += 1,
                _ => counts.failed += 1,
            }
        }
    }
    Ok((rows, child.wait()?.success()))
}

fn check_step(name: &str, cmd: &mut Command) -> Row {
    println!("\n=== {name} ===");
    let ok = run_status(cmd);
    Row {
        name: name.to_string(),
        counts: Counts {
            passed: usize::from(ok.is_ok()),
            failed: usize::from(ok.is_err()),
            skipped: 0,
        },
        problem: ok.err().map(|e| e.to_string()),
    }
}

fn test_backends(backends: &[Backend], setup: bool) -> Result<bool, Error> {
    let mut rows = Vec::new();
    let mut usable = Vec::new();
    for &b in backends {
        let ready = if setup { setup_backend(b) } else { Ok(()) }.and_then(|()| {
            let mut probe = Command::new("true");
            backend_env(b, &mut probe)
        });
        match ready {
            Ok(()) => usable.push(b),
            Err(e) => rows.push(Row::failed(
                format!("{} (setup)", b.name()),
                format!("cannot run: {e}"),
            )),
        }
    }

    rows.push(check_step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    ));
    // One lint pass over the union of the usable backends' feature sets.
    if !usable.is_empty() {
        let features: Vec<String> = usable
            .iter()
            .flat_map(|b| {
                [
                    format!("burn-nd-conformance/{0}", b.name()),
                    format!("burn-nd-examples/{0}", b.name()),
                ]
            })
            .chain(["burn-nd/npy".to_string()])
            .collect();
        let mut cmd = cargo();
        cmd.args(["clippy", "--all-targets", "--features"])
            .arg(features.join(","));
        workspace(&mut cmd, &usable)?;
        cmd.args(["--", "-D", "warnings"]);
        rows.push(check_step("clippy -D warnings", &mut cmd));
    }

    // The `.npy` tests run real NumPy from its own small venv.
    let numpy = numpy_venv();
    let numpy_ready = if setup {
        pip_setup(&numpy, "numpy", "numpy", NUMPY_VERSION)
    } else {
        Ok(())
    };
    if let Err(e) = &numpy_ready {
        rows.push(Row::failed(
            "numpy (setup)",
            format!("cannot set up NumPy: {e}"),
        ));
    }

    println!("\n=== unit tests and doctests ===");
    // cargo announces test binaries on stderr, so each command gets its row by name.
    for (row, args) in [
        (
            "burn-nd unit tests",
            &["test", "-p", "burn-nd", "--features", "npy", "--lib"][..],
        ),
        (
            "npy files vs NumPy",
            &[
                "test",
                "-p",
                "burn-nd",
                "--features",
                "npy",
                "--test",
                "numpy",
            ],
        ),
        (
            "doctests (README included)",
            &["test", "--doc", "--features", "burn-nd/npy"],
        ),
        (
            "can_cast vs NumPy table",
            &["test", "-p", "burn-nd-conformance", "--test", "can_cast"],
        ),
    ] {
        let mut cmd = cargo();
        cmd.args(args);
        cmd.env("BURN_ND_PYTHON", numpy.join("bin/python"));
        if row.starts_with("doctests") {
            workspace(&mut cmd, &usable)?;
        }
        let (counts, ok) = run_tests(&mut cmd, &|_| row.to_string())?;
        push_rows(&mut rows, counts, ok, row);
    }

    // The fuzz targets, briefly: they build, and find nothing in a few seconds each.
    let fuzz_ready = if setup { fuzz_setup() } else { Ok(()) };
    for target in FUZZ_TARGETS {
        let name = format!("fuzz {target} ({FUZZ_SMOKE_SECONDS} s)");
        let ready = match &fuzz_ready {
            Ok(()) => fuzz_command(target, FUZZ_SMOKE_SECONDS).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match ready {
            Ok(mut cmd) => rows.push(check_step(&name, &mut cmd)),
            Err(e) => rows.push(Row::failed(name, format!("cannot run: {e}"))),
        }
    }

    for &b in &usable {
        let name = b.name();
        println!("\n=== conformance: {name} ===");
        let mut cmd = cargo();
        cmd.args(["test", "-p", "burn-nd-conformance", "--no-default-features"])
            .args(["--features", name, "--test", name]);
        backend_env(b, &mut cmd)?;
        let label = move |test: &str| match test.split("::").next().unwrap_or("") {
            "plain" => name.to_string(),
            "autodiff" => format!("{name} + autodiff"),
            other => format!("{name} ({other})"),
        };
        let (counts, ok) = run_tests(&mut cmd, &label)?;
        push_rows(&mut rows, counts, ok, &format!("conformance {name}"));

        println!("\n=== examples: {name} ===");
        // Debug builds on lavapipe or libtorch take ~0.3 s a step: fewer epochs there still
        // beat the baselines by a wide margin.
        let (regression, classification) = match b {
            Backend::Ndarray => ("40", "8"),
            Backend::Wgpu | Backend::Tch => ("5", "2"),
        };
        for (script, epochs) in [
            ("regression", regression),
            ("classification", classification),
        ] {
            let mut cmd = cargo();
            // The dev profile shares its dependency builds with the test runs above.
            cmd.args(["run", "-p", "burn-nd-examples"])
                .args([
                    "--no-default-features",
                    "--features",
                    name,
                    "--bin",
                    script,
                    "--",
                ])
                .args(["--backend", name, "--quiet", "--check", "--epochs", epochs])
                .arg("--out")
                .arg(
                    project_root()
                        .join("target/examples-out")
                        .join(name)
                        .join(script),
                );
            backend_env(b, &mut cmd)?;
            rows.push(check_step(&format!("example {script} ({name})"), &mut cmd));
        }
    }

    print_matrix(&rows);
    Ok(rows
        .iter()
        .all(|r| r.counts.failed == 0 && r.problem.is_none()))
}

/// Adds the counted rows; a command that failed without a failing test (a build error, a
/// crash) becomes a failed row of its own.
fn push_rows(rows: &mut Vec<Row>, counts: BTreeMap<String, Counts>, ok: bool, what: &str) {
    let any_failed = counts.values().any(|c| c.failed > 0);
    if counts.is_empty() && ok {
        rows.push(Row::failed(what, "ran no test"));
    }
    for (name, counts) in counts {
        rows.push(Row {
            name,
            counts,
            problem: None,
        });
    }
    if !ok && !any_failed {
        rows.push(Row::failed(
            what,
            "command failed (build error or crash; see the log above)",
        ));
    }
}

fn print_matrix(rows: &[Row]) {
    let width = rows
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(10)
        .max(10);
    println!(
        "\n{:width$}  {:>6}  {:>6}  {:>7}",
        "", "passed", "failed", "skipped"
    );
    for row in rows {
        let c = row.counts;
        print!(
            "{:width$}  {:>6}  {:>6}  {:>7}",
            row.name, c.passed, c.failed, c.skipped
        );
        match &row.problem {
            Some(p) => println!("  {p}"),
            None => println!(),
        }
    }
    let total = rows.iter().fold(Counts::default(), |t, r| Counts {
        passed: t.passed + r.counts.passed,
        failed: t.failed + r.counts.failed,
        skipped: t.skipped + r.counts.skipped,
    });
    println!(
        "\nmatrix: {} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    );
}
