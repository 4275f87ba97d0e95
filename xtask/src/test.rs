//! `cargo xtask test-backends`: every check and test, one row each in the printed matrix.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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

    // The published crates build on the Rust version they declare.
    rows.push(match msrv_check(&usable, setup) {
        Ok((version, mut cmd)) => check_step(&format!("rust-version {version} check"), &mut cmd),
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
        .args(["-p", "burn-nd", "--features", "burn-nd/npy"]);
    for &b in usable {
        cmd.args(["-p", &format!("burn-nd-{}", b.name())]);
        backend_env(b, &mut cmd)?;
    }
    Ok((version, cmd))
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
