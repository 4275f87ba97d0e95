//! Running the measurements: the Rust bench per backend, the NumPy / PyTorch script, the
//! alternating cast rounds and the peak-memory runs, each parsed into [`Results`].

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use super::subject::Subject;
use crate::setup::{backend_env, pip_setup, setup_backend, torch_venv};
use crate::{cargo, project_root, run_status, Backend, Error, NUMPY_VERSION, TORCH_VERSION};

/// Rounds of the casts alone, each burn-nd's then NumPy's, that decide the cast targets.
pub const CAST_ROUNDS: usize = 9;

/// Median nanoseconds per call by (case, size); Rust cases are named `<backend>/<case>`.
pub type Results = BTreeMap<(String, u64), u64>;

/// The median ratio of case `a` to case `b` timed in alternating samples, by (a, b, size).
pub type Pairs = BTreeMap<(String, String, u64), f64>;

/// Everything one `cargo xtask bench` measured on one Burn line.
pub struct Measured {
    /// The line: "0.21" or "0.22".
    pub line: &'static str,
    /// The backends that were set up, built and measured.
    pub usable: Vec<Subject>,
    /// `backend: why` for each backend that could not be set up or built.
    pub unusable: Vec<String>,
    /// The tables' run: every case of every usable backend, NumPy and PyTorch.
    pub results: Results,
    /// The tables' run's paired cases.
    pub pairs: Pairs,
    /// The alternating cast rounds on the line's embedded CPU backend (none under `--quick`).
    pub rounds: Vec<Results>,
    /// The `PEAK case input output rss` lines of the peak-memory runs.
    pub peaks: String,
    /// NumPy's and PyTorch's versions, as the Python side prints them.
    pub versions: String,
}

/// `cargo bench` of the conformance crate's `convert` benchmark built for `subjects` (one build
/// for a line's backends), with the environment their backends need; callers add the rest.
fn convert_bench(subjects: &[Subject]) -> Result<Command, Error> {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "burn-nd-conformance", "--bench", "convert"]);
    let features: Vec<&str> = subjects.iter().map(|s| s.feature()).collect();
    cmd.args(["--no-default-features", "--features", &features.join(",")]);
    for s in subjects {
        backend_env(s.backend(), &mut cmd)?;
    }
    // libtorch's own threads off, as on the Python side (`torch.set_num_threads(1)`).
    cmd.env("OMP_NUM_THREADS", "1");
    Ok(cmd)
}

/// The NumPy / PyTorch side, `tests/benches/convert.py`, run by the torch venv's `python`;
/// callers add its arguments.
fn numpy_bench(python: &Path) -> Command {
    let mut cmd = Command::new(python);
    cmd.arg(project_root().join("tests/benches/convert.py"));
    cmd
}

fn capture(cmd: &mut Command) -> Result<String, Error> {
    println!("$ {cmd:?}");
    let out = cmd.stderr(Stdio::inherit()).output()?;
    let text = String::from_utf8(out.stdout)?;
    print!("{text}");
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", out.status).into());
    }
    Ok(text)
}

fn parse_pairs(text: &str, pairs: &mut Pairs) {
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["PAIR", a, b, bytes, ratio, _samples] = f[..] {
            if let (Ok(size), Ok(r)) = (bytes.parse(), ratio.parse()) {
                pairs.insert((a.to_string(), b.to_string(), size), r);
            }
        }
    }
}

fn parse(text: &str, results: &mut Results) {
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["RESULT", case, bytes, ns, _reps] = f[..] {
            if let (Ok(b), Ok(n)) = (bytes.parse(), ns.parse()) {
                results.insert((case.to_string(), b), n);
            }
        }
    }
}

/// Sets up and measures the `line`'s backends among `backends` (burn-flex, embedded, always),
/// then NumPy and PyTorch, then (unless `quick`) the cast rounds and peak memory on the line's
/// embedded CPU backend.
pub fn measure(quick: bool, line: &'static str, backends: &[Backend]) -> Result<Measured, Error> {
    let venv = torch_venv();
    pip_setup(&venv, "torch", "torch", TORCH_VERSION)?;
    pip_setup(&venv, "numpy", "numpy", NUMPY_VERSION)?;
    let python = venv.join("bin/python");
    let quick_arg: &[&str] = if quick { &["--quick"] } else { &[] };

    // Set up every backend, then build them all in one binary, so compile time never
    // overlaps a measurement.
    let mut usable = Vec::new();
    let mut unusable = Vec::new();
    let cpu = Subject::cpu_of(line);
    let subjects = Subject::ALL
        .into_iter()
        .filter(|s| s.line() == line && (*s == cpu || backends.contains(&s.backend())));
    for s in subjects {
        match setup_backend(s.backend()) {
            Ok(()) => usable.push(s),
            Err(e) => unusable.push(format!("{}: {e}", s.name())),
        }
    }
    if let Err(e) = run_status(convert_bench(&usable)?.arg("--no-run")) {
        unusable.extend(usable.drain(..).map(|s| format!("{}: {e}", s.name())));
    }
    let mut results = Results::new();
    let mut pairs = Pairs::new();
    for &b in &usable {
        let mut cmd = convert_bench(&usable)?;
        cmd.args(["-q", "--", "--only", b.name()]).args(quick_arg);
        if b.backend() == Backend::Wgpu {
            // lavapipe refuses a 1 GiB buffer (`can't allocate buffer of size: 1073741824`).
            cmd.args(["--max-bytes", &(64u64 << 20).to_string()]);
        }
        let out = capture(&mut cmd)?;
        parse(&out, &mut results);
        parse_pairs(&out, &mut pairs);
    }
    let py = capture(numpy_bench(&python).args(quick_arg))?;
    parse(&py, &mut results);
    parse_pairs(&py, &mut pairs);
    let versions = py
        .lines()
        .find_map(|l| l.strip_prefix("VERSION "))
        .unwrap_or("unknown")
        .to_string();
    // The cast targets compare two processes run minutes apart; on this shared machine the
    // load can change in between. The casts alone, alternating with NumPy's, decide them.
    let mut rounds = Vec::new();
    // The cast rounds and the peak-memory children run in a build of the CPU backend alone:
    // a build that also links libtorch and wgpu starts each process some 370 MiB larger.
    let full = !quick && usable.contains(&cpu);
    if full {
        run_status(convert_bench(&[cpu])?.arg("--no-run"))?;
        for _ in 0..CAST_ROUNDS {
            let mut round = Results::new();
            let ours = capture(convert_bench(&[cpu])?.args(["-q", "--", "--casts-only"]))?;
            parse(&ours, &mut round);
            let theirs = capture(numpy_bench(&python).arg("--casts-only"))?;
            parse(&theirs, &mut round);
            rounds.push(round);
        }
    }
    let peaks = if full {
        capture(convert_bench(&[cpu])?.args(["-q", "--", "--peak"]))?
    } else {
        String::new()
    };
    Ok(Measured {
        line,
        usable,
        unusable,
        results,
        pairs,
        rounds,
        peaks,
        versions,
    })
}
