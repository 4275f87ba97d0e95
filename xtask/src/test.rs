//! `cargo xtask test-backends`: every check and test, one row each in the printed matrix.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::python::{build_demo, embed_env, pytest, python_setup, wheel_session};
use crate::setup::{backend_env, fuzz_command, fuzz_setup, numpy_venv, pip_setup, setup_backend};
use crate::{cargo, project_root, run_status, Backend, Error, NUMPY_VERSION};

/// The fuzz targets in `crates/burn-nd/fuzz`, and how long the test run gives each.
const FUZZ_TARGETS: [&str; 2] = ["npy_reader", "npz_reader"];
const FUZZ_SMOKE_SECONDS: u32 = 20;

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

/// A row's tests: how many passed and failed, and each one skipped.
#[derive(Default, Debug)]
pub(crate) struct Counts {
    passed: usize,
    failed: usize,
    skipped: Vec<Skip>,
}

/// A test that did not run, and why.
#[derive(Debug)]
struct Skip {
    test: String,
    reason: String,
}

/// One row of the final matrix.
pub(crate) struct Row {
    name: String,
    counts: Counts,
    /// Why the row failed beyond its test counts (a build that broke, a backend that could not
    /// run, tests that were all skipped).
    problem: Option<String>,
}

impl Row {
    /// A row that failed once for `problem`, with no test counts of its own.
    pub(crate) fn failed(name: impl Into<String>, problem: impl Into<String>) -> Row {
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

/// How one test ended.
enum Outcome {
    Passed,
    Failed,
    Skipped(Skip),
}

impl Outcome {
    /// `test` skipped for `reason`.
    fn skipped(test: &str, reason: &str) -> Outcome {
        Outcome::Skipped(Skip {
            test: test.to_string(),
            reason: reason.to_string(),
        })
    }
}

/// What a `no_run` doctest's `ok` means: it built, and never ran.
const NO_RUN: &str = "no_run doctest: compiled, not run";

/// Runs a cargo command, echoing its output, and counts its test lines (see [`cargo_outcome`])
/// by row: `label(test name)`.
pub(crate) fn run_tests(
    cmd: &mut Command,
    label: &dyn Fn(&str) -> String,
) -> Result<(BTreeMap<String, Counts>, bool), Error> {
    run_counted(cmd, &|line| {
        let (name, outcome) = cargo_outcome(line)?;
        Some((label(name), outcome))
    })
}

/// The test named by a libtest line `test NAME ... ok|FAILED|ignored[, REASON]`, and how it
/// ended. A `no_run` doctest (`test FILE - ITEM (line N) - compile ... ok`) only compiled: it
/// counts as skipped.
fn cargo_outcome(line: &str) -> Option<(&str, Outcome)> {
    // The name comes first: a reason after `ignored, ` is free text.
    let (name, result) = line.strip_prefix("test ")?.split_once(" ... ")?;
    let result = result.trim();
    let outcome = if let Some(rest) = result.strip_prefix("ignored") {
        Outcome::skipped(name, rest.strip_prefix(", ").unwrap_or("no reason given"))
    } else if result != "ok" {
        Outcome::Failed
    } else if let Some(doctest) = name.strip_suffix(" - compile") {
        Outcome::skipped(doctest, NO_RUN)
    } else {
        Outcome::Passed
    };
    Some((name, outcome))
}

/// Runs pytest (see [`crate::python::pytest`]), echoing its output, and counts its test lines
/// (see [`pytest_outcome`]) in row `row`.
fn run_pytest(cmd: &mut Command, row: &str) -> Result<(BTreeMap<String, Counts>, bool), Error> {
    run_counted(cmd, &|line| Some((row.to_string(), pytest_outcome(line)?)))
}

/// How a line of pytest's output says a test ended. Passes and failures come from `-v`'s
/// `tests/FILE::TEST PASSED|FAILED|ERROR ...` lines; skips from the `-rs --no-fold-skipped`
/// summary's `SKIPPED tests/FILE::TEST - Skipped: REASON` lines, one a test with its whole
/// reason (`-v`'s `SKIPPED (REASON)` is cut to the terminal's width, and a module skipped
/// as a whole gets no `-v` line at all).
fn pytest_outcome(line: &str) -> Option<Outcome> {
    if let Some(skip) = line.strip_prefix("SKIPPED ") {
        let (test, reason) = skip
            .split_once(" - Skipped: ")
            .or_else(|| skip.split_once(" - "))
            .unwrap_or((skip, "no reason given"));
        return Some(Outcome::skipped(test, reason));
    }
    let rest = line.strip_prefix("tests/")?;
    // The first of these words follows the test's id (a reason after it may hold others).
    let (_, word) = [" PASSED", " FAILED", " ERROR", " SKIPPED"]
        .into_iter()
        .filter_map(|word| Some((rest.find(word)?, word)))
        .min()?;
    match word {
        " PASSED" => Some(Outcome::Passed),
        // Counted from the summary.
        " SKIPPED" => None,
        _ => Some(Outcome::Failed),
    }
}

/// Runs a command, echoing its output, and counts the lines `classify` recognises by row.
fn run_counted(
    cmd: &mut Command,
    classify: &dyn Fn(&str) -> Option<(String, Outcome)>,
) -> Result<(BTreeMap<String, Counts>, bool), Error> {
    println!("$ {cmd:?}");
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            let Some((row, outcome)) = classify(&line) else {
                continue;
            };
            let counts = rows.entry(row).or_default();
            match outcome {
                Outcome::Passed => counts.passed += 1,
                Outcome::Failed => counts.failed += 1,
                Outcome::Skipped(skip) => counts.skipped.push(skip),
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
            skipped: Vec::new(),
        },
        problem: ok.err().map(|e| e.to_string()),
    }
}

/// burn-nd's features for its own tests: both Burn lines (its tests and examples use both),
/// `.npy`, and the 0.21 burn-ndarray direct read.
const BOTH_LINES: &str = "burn-0-21,burn-0-22,ndarray,npy";
/// [`BOTH_LINES`] from the workspace root, and both lines of burn-nd-ndarray (its doctests
/// show both; burn-nd-tch's are added where libtorch is usable).
const BOTH_LINES_WORKSPACE: &str = "burn-nd/burn-0-21,burn-nd/burn-0-22,burn-nd/ndarray,\
     burn-nd/npy,burn-nd-ndarray/burn-0-21,burn-nd-ndarray/burn-0-22";

pub(crate) fn test_backends(backends: &[Backend], setup: bool) -> Result<bool, Error> {
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

    // The Python venv first: every cargo command builds PyO3 against its interpreter.
    if setup {
        if let Err(e) = python_setup() {
            rows.push(Row::failed(
                "python (setup)",
                format!("cannot set up the Python venv: {e}"),
            ));
        }
    }

    rows.push(check_step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    ));
    // One lint pass over the union of the usable backends' feature sets, both lines: each
    // backend's 0.21 feature and its 0.22 one (`<name>-0-22`), flex on both lines and
    // burn-ndarray on 0.22 always (none needs a system dependency).
    if !usable.is_empty() {
        let features: Vec<String> = usable
            .iter()
            .flat_map(|b| {
                [
                    format!("burn-nd-conformance/{0}", b.name()),
                    format!("burn-nd-conformance/{0}-0-22", b.name()),
                    format!("burn-nd-examples/{0}", b.name()),
                ]
            })
            .chain([
                "burn-nd/npy".to_string(),
                "burn-nd-conformance/flex".to_string(),
                "burn-nd-conformance/ndarray-0-22".to_string(),
                "burn-nd-conformance/flex-0-21".to_string(),
            ])
            .collect();
        let mut cmd = cargo();
        cmd.args(["clippy", "--all-targets", "--features"])
            .arg(features.join(","));
        workspace(&mut cmd, &usable)?;
        cmd.args(["--", "-D", "warnings"]);
        rows.push(check_step("clippy -D warnings", &mut cmd));
    }

    // The published crates build on the Rust version they declare.
    rows.push(match msrv_check(&usable, setup) {
        Ok((version, mut cmd)) => check_step(
            &format!("rust-version {version} check (Burn 0.21 line)"),
            &mut cmd,
        ),
        Err(e) => Row::failed("rust-version check", format!("cannot run: {e}")),
    });

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
            workspace(&mut cmd, &usable)?;
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
        let (counts, ok) = run_tests(&mut cmd, &line_label("0.21", name))?;
        push_rows(&mut rows, counts, ok, &format!("conformance 0.21 {name}"));

        println!("\n=== examples: {name} ===");
        // Debug builds on lavapipe or libtorch take ~0.3 s a step: fewer epochs there still
        // beat the baselines by a wide margin.
        let epochs = match b {
            Backend::Ndarray => ("40", "8"),
            Backend::Wgpu | Backend::Tch => ("5", "2"),
        };
        for (script, mut cmd) in example_runs(name, epochs) {
            backend_env(b, &mut cmd)?;
            rows.push(check_step(
                &format!("example {script} (0.21 {name})"),
                &mut cmd,
            ));
        }
    }

    // burn-flex 0.21, embedded (pure Rust), always.
    println!("\n=== conformance: flex (Burn 0.21) ===");
    let mut cmd = cargo();
    cmd.args(["test", "-p", "burn-nd-conformance", "--no-default-features"])
        .args(["--features", "flex-0-21", "--test", "flex_0_21"]);
    let (counts, ok) = run_tests(&mut cmd, &line_label("0.21", "flex"))?;
    push_rows(&mut rows, counts, ok, "conformance 0.21 flex");

    // Burn 0.22: flex, its embedded CPU backend, always; burn-ndarray (no system dependency
    // either) too; libtorch and wgpu where usable. One feature set for every 0.22 row, so the
    // suite and the Burn 0.22 stack are built once for all of them.
    // (row, test binary, burn-nd-conformance feature)
    let mut suites = vec![
        ("flex", "flex", "flex"),
        ("ndarray", "ndarray_0_22", "ndarray-0-22"),
    ];
    let tch = usable.contains(&Backend::Tch);
    if tch {
        suites.push(("tch", "tch_0_22", "tch-0-22"));
    }
    let wgpu = usable.contains(&Backend::Wgpu);
    if wgpu {
        suites.push(("wgpu", "wgpu_0_22", "wgpu-0-22"));
    }
    let features: Vec<&str> = suites.iter().map(|&(_, _, feature)| feature).collect();
    for &(name, test, _) in &suites {
        println!("\n=== conformance: Burn 0.22 {name} ===");
        let mut cmd = cargo();
        cmd.args(["test", "-p", "burn-nd-conformance", "--no-default-features"])
            .args(["--features", &features.join(","), "--test", test]);
        if tch {
            // The shared build links libtorch.
            backend_env(Backend::Tch, &mut cmd)?;
        }
        if wgpu {
            backend_env(Backend::Wgpu, &mut cmd)?;
        }
        let (counts, ok) = run_tests(&mut cmd, &line_label("0.22", name))?;
        push_rows(&mut rows, counts, ok, &format!("conformance 0.22 {name}"));
    }
    println!("\n=== examples: Burn 0.22 flex ===");
    for (script, mut cmd) in example_runs("flex", ("40", "8")) {
        rows.push(check_step(
            &format!("example {script} (0.22 flex)"),
            &mut cmd,
        ));
    }

    // The NumPy bridge from Python: burn_nd_demo built by maturin for each Burn line, the
    // pytest suite against it, and once more on 0.22 under debug allocators (Python's, and
    // glibc's checks with freed memory overwritten), where a use-after-free shows as wrong
    // values or an abort.
    for (line, feature) in [("0.21", "burn-0-21"), ("0.22", "burn-0-22")] {
        println!("\n=== Python: burn_nd_demo on Burn {line} ===");
        let row = format!("pytest NumPy bridge (Burn {line})");
        if let Err(e) = build_demo(feature, false) {
            rows.push(Row::failed(row, format!("cannot build burn_nd_demo: {e}")));
            continue;
        }
        let (counts, ok) = run_pytest(&mut pytest(&[]), &row)?;
        push_rows(&mut rows, counts, ok, &row);
        if line == "0.22" {
            let row = format!("pytest NumPy bridge (Burn {line}, debug allocators)");
            let debug = [
                ("PYTHONMALLOC", "debug"),
                ("MALLOC_CHECK_", "3"),
                ("MALLOC_PERTURB_", "165"),
            ];
            let (counts, ok) = run_pytest(&mut pytest(&debug), &row)?;
            push_rows(&mut rows, counts, ok, &row);
        }
    }

    println!("\n=== Python: the wheel in a fresh venv, the README session ===");
    let row = "burn_nd_demo wheel in a fresh venv, README session";
    rows.push(match wheel_session() {
        Ok(()) => Row {
            name: row.to_string(),
            counts: Counts {
                passed: 1,
                ..Counts::default()
            },
            problem: None,
        },
        Err(e) => Row::failed(row, e.to_string()),
    });

    // What a newcomer does: a fresh project outside the workspace, the README's quick start as
    // its main, burn-nd by path, one project per Burn line.
    println!("\n=== README quick starts in fresh projects ===");
    for (line, manifest, marker) in QUICK_STARTS {
        let name = format!("README quick start, new project on Burn {line}");
        match quick_start_project(line, manifest, marker) {
            Ok(mut cmd) => rows.push(check_step(&name, &mut cmd)),
            Err(e) => rows.push(Row::failed(name, format!("cannot run: {e}"))),
        }
    }

    print_matrix(&rows);
    Ok(all_passed(&rows))
}

/// Whether no row failed a test or had a problem of its own.
pub(crate) fn all_passed(rows: &[Row]) -> bool {
    rows.iter()
        .all(|r| r.counts.failed == 0 && r.problem.is_none())
}

/// Both example scripts on `backend` (its feature of burn-nd-examples has the same name), with
/// `--check` and the epochs given for (regression, classification).
fn example_runs(backend: &str, epochs: (&str, &str)) -> Vec<(&'static str, Command)> {
    [("regression", epochs.0), ("classification", epochs.1)]
        .into_iter()
        .map(|(script, epochs)| {
            let mut cmd = cargo();
            // The dev profile shares its dependency builds with the test runs above.
            cmd.args(["run", "-p", "burn-nd-examples", "--no-default-features"])
                .args(["--features", backend, "--bin", script, "--"])
                .args([
                    "--backend",
                    backend,
                    "--quiet",
                    "--check",
                    "--epochs",
                    epochs,
                ])
                .arg("--out")
                .arg(
                    project_root()
                        .join("target/examples-out")
                        .join(backend)
                        .join(script),
                );
            (script, cmd)
        })
        .collect()
}

/// The README quick starts checked outside the workspace: the Burn line, the project's
/// dependencies (`{root}` is the checkout) and the fence that opens its block in README.md.
const QUICK_STARTS: [(&str, &str, &str); 2] = [
    (
        "0.22",
        "burn = { version = \"=0.22.1\", features = [\"flex\"] }\n\
         burn-nd = { path = \"{root}/crates/burn-nd\" }\n",
        "## Quick start",
    ),
    (
        "0.21",
        "burn = \"=0.21.0\"\nburn-ndarray = \"=0.21.0\"\n\
         burn-nd = { path = \"{root}/crates/burn-nd\", default-features = false, \
         features = [\"burn-0-21\", \"ndarray\"] }\n",
        "On Burn 0.21 the same program reads:",
    ),
];

/// A fresh project under `target/readme-projects/<line>` whose `main` is the first Rust block
/// after `marker` in README.md, and the `cargo run` that builds and runs it. It starts from
/// the workspace's lockfile so it builds the same dependency versions (sharing their builds
/// when `CARGO_TARGET_DIR` is shared).
fn quick_start_project(line: &str, manifest: &str, marker: &str) -> Result<Command, Error> {
    let root = project_root();
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let after = readme
        .split_once(marker)
        .ok_or_else(|| format!("README.md has no `{marker}`"))?
        .1;
    let code = after
        .split_once("```rust")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .ok_or("no Rust block after it")?
        .0;
    // Doctest conventions: `# ` lines are hidden lines; the last one returns the `Result`.
    let body: String = code
        .lines()
        .filter(|l| !l.starts_with("# Ok::"))
        .map(|l| format!("    {}\n", l.strip_prefix("# ").unwrap_or(l)))
        .collect();
    let dir = root
        .join("target/readme-projects")
        .join(line.replace('.', "-"));
    std::fs::create_dir_all(dir.join("src"))?;
    let deps = manifest.replace("{root}", &root.display().to_string());
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-quick-start\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{deps}\n# Not part of the burn-nd workspace.\n\
             [workspace]\n"
        ),
    )?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!("fn main() -> Result<(), burn_nd::Error> {{\n{body}    Ok(())\n}}\n"),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut cmd = cargo();
    cmd.current_dir(&dir).args(["run", "--quiet"]);
    Ok(cmd)
}

/// The matrix row of a conformance test on Burn line `line` and backend `name`: one row for
/// the plain backend, one for its Autodiff form, one per backend-only module.
fn line_label<'a>(line: &'a str, name: &'a str) -> impl Fn(&str) -> String + 'a {
    move |test: &str| match test.split("::").next().unwrap_or("") {
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
    // burn-nd-ndarray and burn-nd-tch serve both lines; `--no-default-features` leaves them
    // none, so they get the 0.21 one the declared Rust version builds.
    for b in [Backend::Ndarray, Backend::Tch] {
        if usable.contains(&b) {
            cmd.args(["--features", &format!("burn-nd-{}/burn-0-21", b.name())]);
        }
    }
    Ok((version, cmd))
}

/// Adds the counted rows; a row whose tests were all skipped fails (it checked nothing), and a
/// command that failed without a failing test (a build error, a crash) becomes a failed row of
/// its own.
pub(crate) fn push_rows(
    rows: &mut Vec<Row>,
    counts: BTreeMap<String, Counts>,
    ok: bool,
    what: &str,
) {
    let any_failed = counts.values().any(|c| c.failed > 0);
    if counts.is_empty() && ok {
        rows.push(Row::failed(what, "ran no test"));
    }
    for (name, counts) in counts {
        let ran = counts.passed + counts.failed;
        let problem = (ran == 0).then(|| format!("ran no test ({} skipped)", counts.skipped.len()));
        rows.push(Row {
            name,
            counts,
            problem,
        });
    }
    if !ok && !any_failed {
        rows.push(Row::failed(
            what,
            "command failed (build error or crash; see the log above)",
        ));
    }
}

/// The matrix, one line a row, its totals, then every skipped test and why.
pub(crate) fn print_matrix(rows: &[Row]) {
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
        let c = &row.counts;
        print!(
            "{:width$}  {:>6}  {:>6}  {:>7}",
            row.name,
            c.passed,
            c.failed,
            c.skipped.len()
        );
        match &row.problem {
            Some(p) => println!("  {p}"),
            None => println!(),
        }
    }
    let total = |count: fn(&Counts) -> usize| rows.iter().map(|r| count(&r.counts)).sum::<usize>();
    println!(
        "\nmatrix: {} passed, {} failed, {} skipped",
        total(|c| c.passed),
        total(|c| c.failed),
        total(|c| c.skipped.len())
    );
    print_skips(rows);
}

/// Every skipped test under its row, with its reason: a skip is a check that did not happen,
/// so each one says why.
fn print_skips(rows: &[Row]) {
    let skipping = || rows.iter().filter(|r| !r.counts.skipped.is_empty());
    if skipping().next().is_none() {
        return;
    }
    println!("\nskipped, and why:");
    for row in skipping() {
        println!("  {}", row.name);
        for skip in &row.counts.skipped {
            println!("    {}: {}", skip.test, skip.reason);
        }
    }
}
