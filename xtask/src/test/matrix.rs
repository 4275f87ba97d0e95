//! The printed matrix of `cargo xtask test-backends` and `cargo xtask miri`: commands run with
//! their output echoed, test lines counted by row, and the table with every skip and its reason.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{run_status, Error};

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
    /// A row that passed once, with no test counts of its own.
    pub(crate) fn passed(name: impl Into<String>) -> Row {
        Row {
            name: name.into(),
            counts: Counts {
                passed: 1,
                ..Counts::default()
            },
            problem: None,
        }
    }

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
pub(crate) fn run_pytest(
    cmd: &mut Command,
    row: &str,
) -> Result<(BTreeMap<String, Counts>, bool), Error> {
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

/// Runs `cmd` as one check: a row that passed once, or failed once with its error.
pub(crate) fn check_step(name: &str, cmd: &mut Command) -> Row {
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

/// Whether no row failed a test or had a problem of its own.
pub(crate) fn all_passed(rows: &[Row]) -> bool {
    rows.iter()
        .all(|r| r.counts.failed == 0 && r.problem.is_none())
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
