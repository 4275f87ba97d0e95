//! `cargo xtask bench [--quick]`: the conversion benchmarks on burn-ndarray, NumPy and PyTorch
//! on the same sizes in one run, written to BENCHMARKS.md (`--quick`: 1 KiB and 1 MiB only,
//! to `target/BENCHMARKS-quick.md`, no peak-memory runs).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{
    cargo, pip_setup, project_root, run_status, torch_venv, Error, NUMPY_VERSION, TORCH_VERSION,
};

const SIZES: [u64; 4] = [1 << 10, 1 << 20, 64 << 20, 1 << 30];

/// Median nanoseconds by (case, size).
type Results = BTreeMap<(String, u64), u64>;

/// `cargo bench` of burn-nd-ndarray's `convert` benchmark; callers add the rest.
fn convert_bench() -> Command {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "burn-nd-ndarray", "--bench", "convert"]);
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

fn human_time(ns: u64) -> String {
    match ns {
        n if n < 10_000 => format!("{n} ns"),
        n if n < 10_000_000 => format!("{:.1} µs", n as f64 / 1e3),
        n => format!("{:.1} ms", n as f64 / 1e6),
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b => format!("{} KiB", b >> 10),
    }
}

fn shell(cmd: &str) -> String {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// One table: a row per case, a column per size, each cell the median and its ratio to
/// `base` at that size.
fn table(out: &mut String, results: &Results, sizes: &[u64], rows: &[(&str, &str)], base: &str) {
    let _ = write!(out, "| case |");
    for &s in sizes {
        let _ = write!(out, " {} |", human_size(s));
    }
    let _ = write!(out, "\n|---|");
    for _ in sizes {
        let _ = write!(out, "---|");
    }
    out.push('\n');
    for (case, label) in rows {
        let _ = write!(out, "| {label} |");
        for &s in sizes {
            let cell = match (
                results.get(&(case.to_string(), s)),
                results.get(&(base.to_string(), s)),
            ) {
                (Some(&t), Some(&b)) if b > 0 => {
                    format!("{} ({:.2}×)", human_time(t), t as f64 / b as f64)
                }
                (Some(&t), _) => human_time(t),
                _ => "—".into(),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn ratio(results: &Results, a: &str, b: &str, size: u64) -> Option<f64> {
    let x = *results.get(&(a.to_string(), size))?;
    let y = *results.get(&(b.to_string(), size))?;
    (y > 0).then(|| x as f64 / y as f64)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "**met**"
    } else {
        "**missed**"
    }
}

pub fn bench(quick: bool) -> Result<bool, Error> {
    let venv = torch_venv();
    pip_setup(&venv, "torch", "torch", TORCH_VERSION)?;
    pip_setup(&venv, "numpy", "numpy", NUMPY_VERSION)?;
    let python = venv.join("bin/python");
    let root = project_root();
    let sizes: Vec<u64> = SIZES
        .iter()
        .copied()
        .filter(|&s| !quick || s <= 1 << 20)
        .collect();
    let quick_arg: &[&str] = if quick { &["--quick"] } else { &[] };

    // Build first so compile time never overlaps a measurement.
    run_status(convert_bench().arg("--no-run"))?;
    let mut results = Results::new();
    let rust = capture(convert_bench().args(["-q", "--"]).args(quick_arg))?;
    parse(&rust, &mut results);
    let py = capture(
        Command::new(&python)
            .arg(root.join("crates/burn-nd-ndarray/benches/convert.py"))
            .args(quick_arg),
    )?;
    parse(&py, &mut results);
    let versions = py
        .lines()
        .find_map(|l| l.strip_prefix("VERSION "))
        .unwrap_or("unknown")
        .to_string();
    let peaks = if quick {
        String::new()
    } else {
        capture(convert_bench().args(["-q", "--", "--peak"]))?
    };

    let mut md = String::new();
    let cpu = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Regenerate with `cargo xtask bench` (about 15 minutes; it installs NumPy into the torch \
         venv if missing). Every number below comes from that one run.\n"
    );
    let _ = writeln!(md, "- Date: {} (UTC)", shell("date -u '+%Y-%m-%d %H:%M'"));
    let _ = writeln!(
        md,
        "- Machine: {} cores of {}, {} memory, Linux {}, transparent huge pages `{}`",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        cpu.trim(),
        shell("free -h | awk '/Mem:/ {print $2}'"),
        shell("uname -r"),
        shell("cat /sys/kernel/mm/transparent_hugepage/enabled")
    );
    let _ = writeln!(
        md,
        "- Rust: `{}`, release profile; Python: {versions}, `torch.set_num_threads(1)`",
        shell("rustc --version")
    );
    let _ = writeln!(
        md,
        "- Method: median of N calls (2000 at 1 KiB, 200 at 1 MiB, 31 at 64 MiB, 5 at 1 GiB) \
         after one warm-up; each call makes a fresh output, as NumPy's `copy` / `astype` do; \
         inputs that a call consumes are made outside the timed region. Sizes are those of an \
         f32 source (`size / 4` elements in every case; the i64 → i32 source is twice the \
         bytes). burn-ndarray backend, one thread. Ratios compare numbers of the same run; \
         this machine is shared, so single numbers are noisy.\n"
    );

    let _ = writeln!(md, "## burn-nd beside the limit and naive code\n");
    let _ = writeln!(md, "Median, and in brackets the ratio to one `memcpy` (`Vec::to_vec`) of the same f32 bytes.\n");
    table(
        &mut md,
        &results,
        &sizes,
        &[
            ("memcpy", "(a) memcpy: `slice.to_vec()`"),
            (
                "memcpy_arrayd",
                "memcpy + `ArrayD::from_shape_vec` (the floor for any `ArrayD` result)",
            ),
            (
                "naive_to_data",
                "(b) naive: `to_data().to_vec()` + `from_shape_vec`, shared tensor",
            ),
            (
                "to_ndarray_shared",
                "`to_ndarray` of a shared tensor, same dtype",
            ),
            ("into_ndarray_unique", "`into_ndarray` of a unique tensor"),
            (
                "into_arcarray_zero_copy",
                "burn-nd-ndarray `into_arcarray` (zero-copy)",
            ),
            (
                "from_arcarray_zero_copy",
                "burn-nd-ndarray `from_arcarray` (zero-copy)",
            ),
            ("from_ndarray", "`from_ndarray`, same dtype"),
            ("cast_f32_i32", "cast f32 → i32"),
            ("cast_f32_f16", "cast f32 → f16"),
            ("cast_f32_bf16", "cast f32 → bf16"),
            ("cast_i64_i32", "cast i64 → i32"),
            ("cast_f32_f64", "cast f32 → f64"),
            (
                "cast_f32_i32_hp",
                "cast f32 → i32, source made by `from_ndarray` (huge pages)",
            ),
            (
                "cast_i64_i32_hp",
                "cast i64 → i32, source made by `from_ndarray` (huge pages)",
            ),
            (
                "cast_f32_f64_hp",
                "cast f32 → f64, source made by `from_ndarray` (huge pages)",
            ),
        ],
        "memcpy",
    );
    let _ = writeln!(md, "## (c) NumPy and PyTorch, same sizes, same run\n");
    let _ = writeln!(
        md,
        "Median, and in brackets the ratio to NumPy's `a.copy()`.\n"
    );
    table(
        &mut md,
        &results,
        &sizes,
        &[
            ("numpy_copy", "NumPy `a.copy()`"),
            (
                "numpy_copy_4k",
                "NumPy `a.copy()`, source in 4 KiB pages like a Burn tensor's",
            ),
            ("torch_clone_numpy", "PyTorch `t.clone().numpy()`"),
            ("torch_numpy_view", "PyTorch `t.numpy()` (zero-copy)"),
            (
                "torch_from_numpy",
                "PyTorch `torch.from_numpy(a)` (zero-copy)",
            ),
            ("numpy_astype_i32", "NumPy `astype(int32)`"),
            (
                "numpy_astype_i32_4k",
                "NumPy `astype(int32)`, source in 4 KiB pages",
            ),
            ("numpy_astype_f16", "NumPy `astype(float16)`"),
            (
                "torch_to_bf16",
                "PyTorch `t.to(torch.bfloat16)` (NumPy has no bf16)",
            ),
            ("numpy_astype_i64_i32", "NumPy int64 `astype(int32)`"),
            (
                "numpy_astype_i64_i32_4k",
                "NumPy int64 `astype(int32)`, source in 4 KiB pages",
            ),
            ("numpy_astype_f64", "NumPy `astype(float64)`"),
            (
                "numpy_astype_f64_4k",
                "NumPy `astype(float64)`, source in 4 KiB pages",
            ),
        ],
        "numpy_copy",
    );

    let _ = writeln!(md, "## Targets\n");
    let mut all_met = true;
    let mut target = |md: &mut String, text: String, ok: Option<bool>, why: &str| {
        let v = match ok {
            Some(ok) => {
                all_met &= ok;
                verdict(ok)
            }
            None => "not measured",
        };
        let _ = writeln!(md, "- {v}: {text}");
        if ok == Some(false) && !why.is_empty() {
            let _ = writeln!(md, "  Why: {why}");
        }
    };
    for &s in &sizes {
        let r = ratio(&results, "to_ndarray_shared", "memcpy", s);
        let floor = ratio(&results, "memcpy_arrayd", "memcpy", s).unwrap_or(f64::NAN);
        let why = format!(
            "a call has a fixed cost that a {} memcpy does not pay: ndarray's own `ArrayD` \
             construction around the same memcpy already makes {floor:.2}× (the \
             `memcpy_arrayd` row); the rest is cloning the tensor handle, the dtype checks and \
             finding the burn-ndarray buffer. From 1 MiB on the copy itself dominates.",
            human_size(s)
        );
        target(
            &mut md,
            format!(
                "same-dtype `to_ndarray` of a shared tensor at {} is {} one memcpy (target ≤ 1.20×)",
                human_size(s),
                r.map_or("—".into(), |r| format!("{r:.2}×"))
            ),
            r.map(|r| r <= 1.2),
            &why,
        );
    }
    // O(1): no growth over the last 16× of size, and a vanishing share of one copy.
    let (small, large) = (sizes[0], *sizes.last().unwrap_or(&sizes[0]));
    let prev = sizes[sizes.len().saturating_sub(2)];
    for case in [
        "into_ndarray_unique",
        "into_arcarray_zero_copy",
        "from_arcarray_zero_copy",
    ] {
        let get = |s: u64| results.get(&(case.to_string(), s)).copied();
        let flat = match (
            get(small),
            get(prev),
            get(large),
            results.get(&("memcpy".to_string(), large)),
        ) {
            (Some(a), Some(b), Some(c), Some(&m)) => Some((a, b, c, m)),
            _ => None,
        };
        target(
            &mut md,
            match flat {
                Some((a, b, c, m)) => format!(
                    "`{case}` is O(1): {} at {}, {} at {}, {} at {} ({:.2}× over the last 16× of size; {:.5}× one memcpy of {}); target: no growth with size (≤ 2× over that 16×)",
                    human_time(a), human_size(small), human_time(b), human_size(prev), human_time(c), human_size(large),
                    c as f64 / b.max(1) as f64, c as f64 / m.max(1) as f64, human_size(large)
                ),
                None => format!("`{case}` flatness needs at least two sizes"),
            },
            flat.map(|(_, b, c, _)| c <= 2 * b.max(1)),
            "",
        );
    }
    // At 16 Mi elements, like with like: a source in huge pages (NumPy's default, burn-nd's
    // `from_ndarray`) and one in 4 KiB pages (Burn's `from_data(Vec)`, NumPy's `_4k` rows).
    let at = 64 << 20;
    for (ours, theirs) in [
        ("cast_f32_i32_hp", "numpy_astype_i32"),
        ("cast_f32_i32", "numpy_astype_i32_4k"),
        ("cast_f32_f16", "numpy_astype_f16"),
        ("cast_f32_bf16", "torch_to_bf16"),
        ("cast_i64_i32_hp", "numpy_astype_i64_i32"),
        ("cast_i64_i32", "numpy_astype_i64_i32_4k"),
        ("cast_f32_f64_hp", "numpy_astype_f64"),
        ("cast_f32_f64", "numpy_astype_f64_4k"),
    ] {
        let r = ratio(&results, ours, theirs, at);
        target(
            &mut md,
            format!(
                "`{ours}` at 16 Mi elements is {} `{theirs}` (target ≤ 1.00×)",
                r.map_or("—".into(), |r| format!("{r:.2}×"))
            ),
            r.map(|r| r <= 1.0),
            cast_why(ours),
        );
    }
    for line in peaks.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["PEAK", case, input, output, rss] = f[..] {
            let (i, o, r): (u64, u64, u64) = (input.parse()?, output.parse()?, rss.parse()?);
            let limit = (i + o) as f64 * 1.05;
            target(
                &mut md,
                format!(
                    "peak RSS converting a 1 GiB tensor by `{case}` (`/usr/bin/time -v`): {:.0} MiB for input {} MiB + output {} MiB, {:.3}× (target ≤ 1.05×)",
                    r as f64 / 1048576.0,
                    i >> 20,
                    o >> 20,
                    r as f64 / (i + o) as f64
                ),
                Some(r as f64 <= limit),
                "",
            );
        }
    }
    if quick {
        target(
            &mut md,
            "peak memory (skipped by `--quick`)".into(),
            None,
            "",
        );
    }

    let path = if quick {
        root.join("target/BENCHMARKS-quick.md")
    } else {
        root.join("BENCHMARKS.md")
    };
    write_report(&path, &md)?;
    println!(
        "wrote {}; targets {}",
        path.display(),
        if all_met { "all met" } else { "NOT all met" }
    );
    Ok(true)
}

/// Why a cast may trail its NumPy / PyTorch counterpart, printed only where it does.
fn cast_why(case: &str) -> &'static str {
    if case.starts_with("cast_f32_i32") {
        "the two loops do different work. burn-nd gives Rust's `as` result (NaN → 0, values \
         out of range saturate to i32::MIN / i32::MAX), which takes a clamp, a NaN select and \
         a compare around the conversion instruction; NumPy's loop is the bare instruction, \
         whose answer for NaN and out-of-range values is i32::MIN (`np.float32([nan, 3e9]) \
         .astype(np.int32)` gives `[-2147483648, -2147483648]` with a RuntimeWarning). Both \
         loops are vectorised (burn-nd picks AVX2 at run time). Run-to-run spread on this \
         shared machine is also of this order: compare NumPy's huge-page and 4 KiB rows."
    } else {
        "not established; both loops are plain vectorised conversions (burn-nd picks AVX2 at \
         run time), and run-to-run spread on this shared machine is of this order: compare \
         NumPy's huge-page and 4 KiB rows."
    }
}

fn write_report(path: &Path, md: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, md)?;
    Ok(())
}
