//! `cargo xtask test-backends`: every check and test, one row each in the printed matrix
//! ([`matrix`]); the steps below run in order, each adding its rows.

mod matrix;
mod projects;
mod suites;

use std::process::Command;

pub(crate) use matrix::{all_passed, print_matrix, push_rows, run_tests, Row};

use crate::python::{build_demo, embed_env, pytest, python_setup, wheel_session};
use crate::setup::{backend_env, fuzz_command, fuzz_setup, numpy_venv, pip_setup, setup_backend};
use crate::{cargo, project_root, run_status, Backend, Error, NUMPY_VERSION};
use matrix::{check_step, run_pytest};
use projects::{example_runs, quick_start_project, QUICK_STARTS};
use suites::{suites, Suite};

/// The fuzz targets in `crates/burn-nd/fuzz`, and how long the test run gives each.
const FUZZ_TARGETS: [&str; 2] = ["npy_reader", "npz_reader"];
const FUZZ_SMOKE_SECONDS: u32 = 20;

/// The crates published to crates.io (every other member has `publish = false`).
const PUBLISHED: [&str; 5] = [
    "burn-nd",
    "burn-nd-ndarray",
    "burn-nd-numpy",
    "burn-nd-tch",
    "burn-nd-wgpu",
];

/// burn-nd's features for its own tests: both Burn lines (its tests and examples use both),
/// `.npy` and DLPack.
const BOTH_LINES: &str = "burn-0-21,burn-0-22,npy,dlpack";
/// [`BOTH_LINES`] from the workspace root, and both lines of burn-nd-ndarray (its doctests
/// show both; burn-nd-tch's are added where libtorch is usable).
const BOTH_LINES_WORKSPACE: &str =
    "burn-nd/burn-0-21,burn-nd/burn-0-22,burn-nd/npy,burn-nd/dlpack,\
     burn-nd-ndarray/burn-0-21,burn-nd-ndarray/burn-0-22";

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

/// Runs every check and prints the matrix; `true` when every row passed.
pub(crate) fn test_backends(backends: &[Backend], setup: bool) -> Result<bool, Error> {
    let mut rows = Vec::new();
    let usable = set_up_backends(backends, setup, &mut rows);
    // The Python venv first: every cargo command builds PyO3 against its interpreter.
    if setup {
        if let Err(e) = python_setup() {
            rows.push(Row::failed(
                "python (setup)",
                format!("cannot set up the Python venv: {e}"),
            ));
        }
    }
    let suites: Vec<Suite> = suites()?
        .into_iter()
        .filter(|s| s.usable(&usable))
        .collect();
    static_checks(&usable, &suites, setup, &mut rows)?;
    unit_tests_and_doctests(&usable, setup, &mut rows)?;
    fuzz_smoke(setup, &mut rows);
    conformance(&suites, &mut rows)?;
    python_bridge(&mut rows)?;
    quick_starts(&mut rows);
    print_matrix(&rows);
    Ok(all_passed(&rows))
}

/// Sets up each backend asked for (when `setup`); the ones ready to run, a failed row for each
/// other.
fn set_up_backends(backends: &[Backend], setup: bool, rows: &mut Vec<Row>) -> Vec<Backend> {
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
    usable
}

/// Formatting, one lint pass over the union of the runnable suites' features (both lines),
/// and the published crates on the Rust version they declare.
fn static_checks(
    usable: &[Backend],
    suites: &[Suite],
    setup: bool,
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    rows.push(check_step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    ));
    let mut features = vec!["burn-nd/npy".to_string()];
    // burn-nd-wgpu's benchmark runs both lines side by side.
    if usable.contains(&Backend::Wgpu) {
        features.push("burn-nd-wgpu/burn-0-21".to_string());
    }
    for suite in suites {
        features.push(format!("burn-nd-conformance/{}", suite.feature()));
        if suite.examples {
            features.push(format!("burn-nd-examples/{}", suite.feature()));
        }
    }
    let mut cmd = cargo();
    cmd.args(["clippy", "--all-targets", "--features"])
        .arg(features.join(","));
    workspace(&mut cmd, usable)?;
    cmd.args(["--", "-D", "warnings"]);
    rows.push(check_step("clippy -D warnings", &mut cmd));

    println!("\n=== layout ===");
    rows.push(match crate::layout::check() {
        Ok(problems) if problems.is_empty() => {
            Row::passed("layout: files <= 600 lines, <= 8 macros, no import circles")
        }
        Ok(problems) => {
            problems.iter().for_each(|p| println!("{p}"));
            Row::failed("layout", problems.join("; "))
        }
        Err(e) => Row::failed("layout", format!("cannot run: {e}")),
    });
    // The publishable crates package (path dependencies carry versions, files are in place);
    // `--no-verify`, as their builds are the rows below.
    let mut cmd = cargo();
    cmd.args(["package", "--allow-dirty", "--no-verify"]);
    for krate in PUBLISHED {
        cmd.args(["-p", krate]);
    }
    rows.push(check_step("cargo package (publishable crates)", &mut cmd));

    rows.push(match msrv_check(usable, setup) {
        Ok((version, mut cmd)) => check_step(
            &format!("rust-version {version} check (Burn 0.21 line)"),
            &mut cmd,
        ),
        Err(e) => Row::failed("rust-version check", format!("cannot run: {e}")),
    });
    Ok(())
}

/// burn-nd's unit tests, the `.npy` files against real NumPy, every doctest (README's
/// included), the `can_cast` table and burn-nd-numpy's soundness tests.
fn unit_tests_and_doctests(
    usable: &[Backend],
    setup: bool,
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    // The `.npy` tests run real NumPy from its own small venv.
    let numpy = numpy_venv();
    if setup {
        if let Err(e) = pip_setup(&numpy, "numpy", "numpy", NUMPY_VERSION) {
            rows.push(Row::failed(
                "numpy (setup)",
                format!("cannot set up NumPy: {e}"),
            ));
        }
    }
    println!("\n=== unit tests and doctests ===");
    // cargo announces test binaries on stderr, so each command gets its row by name.
    for (row, args) in [
        (
            "burn-nd unit tests",
            &["test", "-p", "burn-nd", "--features", BOTH_LINES, "--lib"][..],
        ),
        (
            "npy files vs NumPy",
            &[
                "test",
                "-p",
                "burn-nd",
                "--features",
                BOTH_LINES,
                "--test",
                "numpy",
            ],
        ),
        (
            "doctests (README included)",
            &["test", "--doc", "--features", BOTH_LINES_WORKSPACE],
        ),
        ("xtask unit tests", &["test", "-p", "xtask"]),
        (
            "can_cast vs NumPy table",
            &["test", "-p", "burn-nd-conformance", "--test", "can_cast"],
        ),
        (
            "burn-nd-numpy: borrows and huge inputs (embedded Python)",
            &["test", "-p", "burn-nd-numpy", "--test", "soundness"],
        ),
    ] {
        let mut cmd = cargo();
        cmd.args(args);
        cmd.env("BURN_ND_PYTHON", numpy.join("bin/python"));
        if row.starts_with("doctests") {
            workspace(&mut cmd, usable)?;
            if usable.contains(&Backend::Tch) {
                cmd.args(["--features", "burn-nd-tch/burn-0-21,burn-nd-tch/burn-0-22"]);
            }
        }
        // burn-nd-numpy's doctests and tests start the venv's Python.
        if row.starts_with("doctests") || row.starts_with("burn-nd-numpy") {
            if let Err(e) = embed_env(&mut cmd) {
                rows.push(Row::failed(row, format!("cannot run: {e}")));
                continue;
            }
        }
        let (counts, ok) = run_tests(&mut cmd, &|_| row.to_string())?;
        push_rows(rows, counts, ok, row);
    }
    Ok(())
}

/// The fuzz targets, briefly: they build, and find nothing in a few seconds each.
fn fuzz_smoke(setup: bool, rows: &mut Vec<Row>) {
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
}

/// The environment `suite`'s backend needs.
fn suite_env(suite: &Suite, cmd: &mut Command) -> Result<(), Error> {
    match suite.needs {
        Some(b) => backend_env(b, cmd),
        None => Ok(()),
    }
}

/// Each line's suites, oldest line first: on a line whose backends are built alone (0.21,
/// where a backend is a type) each suite is its own build; on the others one feature set
/// serves every runnable suite of the line, so the suite and the Burn stack are built once.
/// Then the example scripts of each suite that has them.
fn conformance(suites: &[Suite], rows: &mut Vec<Row>) -> Result<(), Error> {
    // `suites` is sorted by line, so equal lines are neighbours.
    let mut lines: Vec<&str> = suites.iter().map(|s| s.line.as_str()).collect();
    lines.dedup();
    for this_line in lines {
        let of_line: Vec<&Suite> = suites.iter().filter(|s| s.line == this_line).collect();
        for suite in &of_line {
            let (name, line) = (suite.backend.as_str(), suite.line.as_str());
            println!("\n=== conformance: Burn {line} {name} ===");
            // The suites built together: this one alone, or the line's.
            let built: Vec<&Suite> = if suite.built_alone() {
                vec![suite]
            } else {
                of_line.clone()
            };
            let features: Vec<String> = built.iter().map(|s| s.feature()).collect();
            let mut cmd = cargo();
            cmd.args(["test", "-p", "burn-nd-conformance", "--no-default-features"])
                .args(["--features", &features.join(","), "--test", &suite.test()])
                .args(["--", &suite.filter()]);
            // A shared build links what every suite in it needs (libtorch).
            for other in &built {
                suite_env(other, &mut cmd)?;
            }
            let (counts, ok) = run_tests(&mut cmd, &line_label(line, name))?;
            push_rows(rows, counts, ok, &format!("conformance {line} {name}"));
            if suite.built_alone() {
                examples(suite, rows)?;
            }
        }
        for suite in of_line.iter().filter(|s| !s.built_alone()) {
            examples(suite, rows)?;
        }
    }
    Ok(())
}

/// Both example scripts on `suite`, where it has them. Debug builds on lavapipe or libtorch
/// take ~0.3 s a step: fewer epochs there still beat the baselines by a wide margin.
fn examples(suite: &Suite, rows: &mut Vec<Row>) -> Result<(), Error> {
    if !suite.examples {
        return Ok(());
    }
    println!("\n=== examples: Burn {} {} ===", suite.line, suite.backend);
    let epochs = match suite.needs {
        Some(Backend::Wgpu | Backend::Tch) => ("5", "2"),
        _ => ("40", "8"),
    };
    for (script, mut cmd) in example_runs(&suite.backend, &suite.feature(), epochs) {
        suite_env(suite, &mut cmd)?;
        rows.push(check_step(
            &format!("example {script} ({} {})", suite.line, suite.backend),
            &mut cmd,
        ));
    }
    Ok(())
}

/// The NumPy bridge from Python: burn_nd_demo built by maturin for each Burn line, the pytest
/// suite against it, and once more on 0.22 under debug allocators (Python's, and glibc's
/// checks with freed memory overwritten), where a use-after-free shows as wrong values or an
/// abort; then the wheel in a fresh venv running the README's session.
fn python_bridge(rows: &mut Vec<Row>) -> Result<(), Error> {
    for (line, feature) in [("0.21", "burn-0-21"), ("0.22", "burn-0-22")] {
        println!("\n=== Python: burn_nd_demo on Burn {line} ===");
        let row = format!("pytest NumPy bridge (Burn {line})");
        if let Err(e) = build_demo(feature, false) {
            rows.push(Row::failed(row, format!("cannot build burn_nd_demo: {e}")));
            continue;
        }
        let (counts, ok) = run_pytest(&mut pytest(&[]), &row)?;
        push_rows(rows, counts, ok, &row);
        if line == "0.22" {
            let row = format!("pytest NumPy bridge (Burn {line}, debug allocators)");
            let debug = [
                ("PYTHONMALLOC", "debug"),
                ("MALLOC_CHECK_", "3"),
                ("MALLOC_PERTURB_", "165"),
            ];
            let (counts, ok) = run_pytest(&mut pytest(&debug), &row)?;
            push_rows(rows, counts, ok, &row);
        }
    }
    println!("\n=== Python: the wheel in a fresh venv, the README session ===");
    let row = "burn_nd_demo wheel in a fresh venv, README session";
    rows.push(match wheel_session() {
        Ok(()) => Row::passed(row),
        Err(e) => Row::failed(row, e.to_string()),
    });
    Ok(())
}

/// What a newcomer does: a fresh project outside the workspace, the README's quick start as
/// its main, burn-nd by path, one project per Burn line.
fn quick_starts(rows: &mut Vec<Row>) {
    println!("\n=== README quick starts in fresh projects ===");
    for (line, manifest, marker) in QUICK_STARTS {
        let name = format!("README quick start, new project on Burn {line}");
        match quick_start_project(line, manifest, marker) {
            Ok(mut cmd) => rows.push(check_step(&name, &mut cmd)),
            Err(e) => rows.push(Row::failed(name, format!("cannot run: {e}"))),
        }
    }
}

/// The matrix row of a conformance test on Burn line `line` and backend `name`: one row for
/// the plain backend, one for its Autodiff form, one per backend-only module.
fn line_label<'a>(line: &'a str, name: &'a str) -> impl Fn(&str) -> String + 'a {
    // Test names start with the backend's module: `flex::plain::...`.
    move |test: &str| match test.split("::").nth(1).unwrap_or("") {
        "plain" => format!("{line} {name}"),
        "autodiff" => format!("{line} {name} + autodiff"),
        other => format!("{line} {name} ({other})"),
    }
}

/// The workspace's `rust-version`, and a `cargo check` of the published crates (the usable
/// backends' ones) on that toolchain, installed through rustup first when `setup` is set.
fn msrv_check(usable: &[Backend], setup: bool) -> Result<(String, Command), Error> {
    let manifest = std::fs::read_to_string(project_root().join("Cargo.toml"))?;
    let version = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"').to_string())
        .ok_or("no rust-version in Cargo.toml")?;
    if setup {
        run_status(Command::new("rustup").args([
            "toolchain",
            "install",
            &version,
            "--profile",
            "minimal",
        ]))?;
    }
    let mut cmd = Command::new("rustup");
    cmd.current_dir(project_root())
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .args(["run", &version, "cargo", "check", "--lib"])
        .args(["-p", "burn-nd", "--no-default-features"])
        .args(["--features", "burn-nd/npy,burn-nd/burn-0-21"]);
    for &b in usable {
        cmd.args(["-p", &format!("burn-nd-{}", b.name())]);
        backend_env(b, &mut cmd)?;
    }
    // burn-nd-ndarray, burn-nd-wgpu and burn-nd-tch serve both lines; `--no-default-features`
    // leaves them none, so they get the 0.21 one the declared Rust version builds.
    for b in [Backend::Ndarray, Backend::Wgpu, Backend::Tch] {
        if usable.contains(&b) {
            cmd.args(["--features", &format!("burn-nd-{}/burn-0-21", b.name())]);
        }
    }
    Ok((version, cmd))
}
