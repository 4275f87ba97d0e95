//! `cargo xtask bench [--quick] [--backend ndarray|wgpu|tch ...]`: the conversion benchmarks
//! on each backend, NumPy and PyTorch on the same sizes in one run, written to BENCHMARKS.md
//! (`--quick`: 1 KiB and 1 MiB only, to `target/BENCHMARKS-quick.md`, no peak-memory runs).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{
    backend_env, cargo, pip_setup, project_root, run_status, setup_backend, torch_venv, Backend,
    Error, NUMPY_VERSION, TORCH_VERSION,
};

const SIZES: [u64; 4] = [1 << 10, 1 << 20, 64 << 20, 1 << 30];

/// Rounds of the casts alone, each burn-nd's then NumPy's, that decide the cast targets.
const CAST_ROUNDS: usize = 9;

/// Median nanoseconds per call by (case, size); Rust cases are named `<backend>/<case>`.
type Results = BTreeMap<(String, u64), u64>;

/// `cargo bench` of the conformance crate's `convert` benchmark built for `backend`, with the
/// environment that backend needs; callers add the rest.
fn convert_bench(backend: Backend) -> Result<Command, Error> {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "burn-nd-conformance", "--bench", "convert"]);
    if backend != Backend::Ndarray {
        cmd.args(["--no-default-features", "--features", backend.name()]);
    }
    backend_env(backend, &mut cmd)?;
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

/// Rows of the tables every backend has: (case, label).
const COMMON_ROWS: [(&str, &str); 17] = [
    ("memcpy", "(a) memcpy: `slice.to_vec()`"),
    (
        "memcpy_array1",
        "memcpy + `Array1::from_vec` (the floor for an `Array1` result)",
    ),
    (
        "memcpy_arrayd",
        "memcpy + `ArrayD::from_shape_vec` (the floor for an `ArrayD` result)",
    ),
    (
        "tensor_clone",
        "`tensor.clone()` + drop (what every `&self` read pays first)",
    ),
    (
        "naive_to_data",
        "(b) naive: `to_data().to_vec()` + `from_shape_vec`, shared tensor",
    ),
    (
        "to_ndarray_shared",
        "`to_ndarray` (→ `Array1`) of a shared tensor, same dtype",
    ),
    (
        "to_ndarray_dyn_shared",
        "`to_ndarray_dyn` (→ `ArrayD`) of a shared tensor, same dtype",
    ),
    ("into_ndarray_unique", "`into_ndarray` of a unique tensor"),
    (
        "read_into_reused",
        "`read_into` of a shared tensor, into one reused array",
    ),
    (
        "autodiff_to_ndarray_shared",
        "`to_ndarray` of a shared `Autodiff` tensor made by a Burn op",
    ),
    (
        "autodiff_into_ndarray_unique",
        "`into_ndarray` of a unique `Autodiff` tensor made by a Burn op",
    ),
    ("from_ndarray", "`from_ndarray`, same dtype"),
    ("cast_f32_i32", "cast f32 → i32"),
    ("cast_f32_f16", "cast f32 → f16"),
    ("cast_f32_bf16", "cast f32 → bf16"),
    ("cast_i64_i32", "cast i64 → i32"),
    ("cast_f32_f64", "cast f32 → f64"),
];

/// What each backend adds to the common rows, and what its table says first.
fn backend_rows(backend: Backend) -> (&'static str, Vec<(&'static str, &'static str)>) {
    match backend {
        Backend::Ndarray => (
            "burn-ndarray, one thread.",
            vec![
                (
                    "into_arcarray_zero_copy",
                    "burn-nd-ndarray `into_arcarray` (zero-copy)",
                ),
                (
                    "from_arcarray_zero_copy",
                    "burn-nd-ndarray `from_arcarray` (zero-copy)",
                ),
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
        ),
        Backend::Tch => (
            "burn-tch on the CPU (libtorch 2.9.0 from the torch wheel), `OMP_NUM_THREADS=1`. \
             `to_ndarray` and the casts read the tensor's memory in place through burn-nd's \
             libtorch view (feature `tch`) and copy or cast it once; the naive row is Burn's \
             own tch read (three libtorch calls and a zero-filled `Vec`).",
            vec![
                (
                    "as_ndarray_view_zero_copy",
                    "burn-nd-tch `as_ndarray_view` (zero-copy, like `t.numpy()`)",
                ),
                (
                    "as_ndarray_view_to_owned",
                    "burn-nd-tch `as_ndarray_view` + `to_owned` (one copy)",
                ),
                (
                    "from_ndarray_tch",
                    "burn-nd-tch `from_ndarray_tch` (one copy into libtorch)",
                ),
            ],
        ),
        Backend::Wgpu => (
            "burn-wgpu on the machine's default adapter (lavapipe, Mesa's Vulkan on the CPU, \
             where there is no GPU). Every read is a device → host transfer through a staging \
             buffer, so one memcpy is not this backend's limit: the ratios are to naive \
             code, which does the same transfer. `into_ndarray` of a tensor just made \
             by `from_data` also waits for its upload. Sizes stop at 64 MiB: lavapipe refuses \
             a 1 GiB buffer.",
            Vec::new(),
        ),
    }
}

/// The row each backend's table divides by: one memcpy where that is the limit; naive code
/// on wgpu, whose reads are device transfers.
fn base_case(backend: Backend) -> &'static str {
    match backend {
        Backend::Wgpu => "naive_to_data",
        _ => "memcpy",
    }
}

/// The results key of a Rust case on `backend`, as the bench prints it: `<backend>/<case>`.
fn key_of(backend: Backend, case: &str) -> String {
    format!("{}/{case}", backend.name())
}

pub fn bench(quick: bool, backends: &[Backend]) -> Result<bool, Error> {
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

    // Set up and build every backend first, so compile time never overlaps a measurement.
    let mut usable = Vec::new();
    let mut unusable = Vec::new();
    for &b in backends {
        let built = setup_backend(b).and_then(|()| run_status(convert_bench(b)?.arg("--no-run")));
        match built {
            Ok(()) => usable.push(b),
            Err(e) => unusable.push(format!("{}: {e}", b.name())),
        }
    }
    let mut results = Results::new();
    for &b in &usable {
        let mut cmd = convert_bench(b)?;
        cmd.args(["-q", "--"]).args(quick_arg);
        if b == Backend::Wgpu {
            // lavapipe refuses a 1 GiB buffer (`can't allocate buffer of size: 1073741824`).
            cmd.args(["--max-bytes", &(64u64 << 20).to_string()]);
        }
        let out = capture(&mut cmd)?;
        parse(&out, &mut results);
    }
    let py = capture(numpy_bench(&python).args(quick_arg))?;
    parse(&py, &mut results);
    let versions = py
        .lines()
        .find_map(|l| l.strip_prefix("VERSION "))
        .unwrap_or("unknown")
        .to_string();
    // The cast targets compare two processes run minutes apart; on this shared machine the
    // load can change in between. The casts alone, alternating with NumPy's, decide them.
    let mut rounds = Vec::new();
    if !quick && usable.contains(&Backend::Ndarray) {
        for _ in 0..CAST_ROUNDS {
            let mut round = Results::new();
            let ours =
                capture(convert_bench(Backend::Ndarray)?.args(["-q", "--", "--casts-only"]))?;
            parse(&ours, &mut round);
            let theirs = capture(numpy_bench(&python).arg("--casts-only"))?;
            parse(&theirs, &mut round);
            rounds.push(round);
        }
    }
    let peaks = if quick || !usable.contains(&Backend::Ndarray) {
        String::new()
    } else {
        capture(convert_bench(Backend::Ndarray)?.args(["-q", "--", "--peak"]))?
    };

    let mut md = String::new();
    let cpu = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Regenerate with `cargo xtask bench` (about 30 minutes; it installs what each backend \
         needs, and NumPy into the torch venv, if missing). Every number below comes from \
         that one run.\n"
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
    // A guest that reports freed memory to its hypervisor gets it back only through host page
    // faults: one more reason why fresh buffers, which every case here writes, time unevenly.
    let reporting = shell("cat /sys/module/page_reporting/parameters/page_reporting_order");
    if !reporting.is_empty() {
        let _ = writeln!(
            md,
            "- Virtual machine that reports freed memory to its host (free page reporting, \
             blocks of 2^{reporting} pages): reusing such memory costs host page faults, so \
             times of fresh buffers vary more than on bare metal"
        );
    }
    let _ = writeln!(
        md,
        "- Rust: `{}`, release profile; Python: {versions}, `torch.set_num_threads(1)`",
        shell("rustc --version")
    );
    let _ = writeln!(
        md,
        "- Method: median time per call over N samples (201 at 1 KiB, 200 at 1 MiB, 31 at \
         64 MiB, 5 at 1 GiB) after one warm-up call; up to 1 MiB a sample times as many calls \
         as fill about 10 µs (at most 100), so that reading the clock is not counted, above \
         1 MiB one call; each call makes a fresh output, as NumPy's \
         `copy` / `astype` do, dropped after the clock stops; inputs that a call consumes are \
         made before it starts. Sizes are those of an f32 source (`size / 4` elements in \
         every case; the i64 → i32 source is twice the bytes). Ratios compare numbers of the \
         same run, and each backend's rows its own memcpy measured in the same process; this \
         machine is shared, so single numbers are noisy. The cast targets, which compare \
         two processes, are decided by {CAST_ROUNDS} further rounds of the casts alone at \
         64 MiB, each burn-nd's then NumPy's, by the median of the rounds' ratios.\n"
    );
    for line in &unusable {
        let _ = writeln!(
            md,
            "- **Not measured**, backend could not be set up or built: {line}\n"
        );
    }

    for &b in &usable {
        let (about, extra) = backend_rows(b);
        let _ = writeln!(
            md,
            "## burn-nd on {} beside the limit and naive code\n",
            b.name()
        );
        let _ = writeln!(
            md,
            "{about} Median, and in brackets the ratio to {}.\n",
            if base_case(b) == "memcpy" {
                "one `memcpy` (`Vec::to_vec`) of the same f32 bytes"
            } else {
                "naive code, (b)"
            }
        );
        let prefixed: Vec<(String, &str)> = COMMON_ROWS
            .iter()
            .chain(&extra)
            .map(|&(case, label)| (key_of(b, case), label))
            .collect();
        let rows: Vec<(&str, &str)> = prefixed.iter().map(|(c, l)| (c.as_str(), *l)).collect();
        table(&mut md, &results, &sizes, &rows, &key_of(b, base_case(b)));
    }
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
    // Same-dtype reads of a shared tensor, on the backends whose limit is a host memcpy.
    for (b, case, floor_case) in [
        (Backend::Ndarray, "to_ndarray_shared", "memcpy_array1"),
        (Backend::Ndarray, "to_ndarray_dyn_shared", "memcpy_arrayd"),
        (Backend::Tch, "to_ndarray_shared", "memcpy_array1"),
        (Backend::Tch, "to_ndarray_dyn_shared", "memcpy_arrayd"),
        (Backend::Tch, "as_ndarray_view_to_owned", "memcpy_arrayd"),
    ] {
        if !usable.contains(&b) {
            continue;
        }
        let key = |case: &str| key_of(b, case);
        for &s in &sizes {
            let get = |c: &str| ratio(&results, &key(c), &key("memcpy"), s);
            let r = get(case);
            let why = match (r, get(floor_case), get("tensor_clone")) {
                (Some(r), Some(floor), Some(clone)) => {
                    let memcpy = results.get(&(key("memcpy"), s)).copied().unwrap_or(0);
                    shared_why(b, floor_case, s, [r, floor, clone], memcpy)
                }
                _ => String::new(),
            };
            target(
                &mut md,
                format!(
                    "{}: same-dtype `{case}` of a shared tensor at {} is {} one memcpy \
                     (target ≤ 1.20×)",
                    b.name(),
                    human_size(s),
                    r.map_or("—".into(), |r| format!("{r:.2}×"))
                ),
                r.map(|r| r <= 1.2),
                &why,
            );
        }
    }
    // A read into a reused array against a fresh `to_ndarray` of the same tensor, at 64 MiB.
    for b in usable.iter().copied() {
        let s = 64 << 20;
        let r = ratio(
            &results,
            &key_of(b, "to_ndarray_shared"),
            &key_of(b, "read_into_reused"),
            s,
        );
        target(
            &mut md,
            format!(
                "{}: `read_into_reused` at {} is {} faster than a fresh `to_ndarray_shared` \
                 (target ≥ 2×)",
                b.name(),
                human_size(s),
                r.map_or("—".into(), |r| format!("{r:.2}×"))
            ),
            r.map(|r| r >= 2.0),
            "",
        );
    }
    // Autodiff tensors read as fast as the plain backend's, on every backend.
    for b in usable.iter().copied() {
        for (ad, plain) in [
            ("autodiff_to_ndarray_shared", "to_ndarray_shared"),
            ("autodiff_into_ndarray_unique", "into_ndarray_unique"),
        ] {
            for &s in &sizes {
                let r = ratio(&results, &key_of(b, ad), &key_of(b, plain), s);
                target(
                    &mut md,
                    format!(
                        "{}: `{ad}` at {} is {} the plain backend's `{plain}` (target ≤ 1.20×)",
                        b.name(),
                        human_size(s),
                        r.map_or("—".into(), |r| format!("{r:.2}×"))
                    ),
                    r.map(|r| r <= 1.2),
                    "",
                );
            }
        }
    }
    // O(1): no growth over the last 16× of size, and a vanishing share of one copy.
    let (small, large) = (sizes[0], *sizes.last().unwrap_or(&sizes[0]));
    let prev = sizes[sizes.len().saturating_sub(2)];
    for (b, case) in [
        (Backend::Ndarray, "into_ndarray_unique"),
        (Backend::Ndarray, "into_arcarray_zero_copy"),
        (Backend::Ndarray, "from_arcarray_zero_copy"),
        (Backend::Tch, "as_ndarray_view_zero_copy"),
    ] {
        if !usable.contains(&b) {
            continue;
        }
        let key = key_of(b, case);
        let get = |s: u64| results.get(&(key.clone(), s)).copied();
        let memcpy = results.get(&(key_of(b, "memcpy"), large));
        let flat = match (get(small), get(prev), get(large), memcpy) {
            (Some(a), Some(b), Some(c), Some(&m)) => Some((a, b, c, m)),
            _ => None,
        };
        target(
            &mut md,
            match flat {
                Some((a, b, c, m)) => format!(
                    "`{key}` is O(1): {} at {}, {} at {}, {} at {} ({:.2}× over the last 16× of size; {:.5}× one memcpy of {}); target: no growth with size (≤ 2× over that 16×)",
                    human_time(a), human_size(small), human_time(b), human_size(prev), human_time(c), human_size(large),
                    c as f64 / b.max(1) as f64, c as f64 / m.max(1) as f64, human_size(large)
                ),
                None => format!("`{key}` flatness needs at least two sizes"),
            },
            flat.map(|(_, b, c, _)| c <= 2 * b.max(1)),
            "",
        );
    }
    // Casts on burn-ndarray at 16 Mi elements, like with like: a source in huge pages
    // (NumPy's default, burn-nd's `from_ndarray`) and one in 4 KiB pages (Burn's
    // `from_data(Vec)`, NumPy's `_4k` rows).
    let at = 64 << 20;
    if usable.contains(&Backend::Ndarray) {
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
            let ours = key_of(Backend::Ndarray, ours);
            let single = ratio(&results, &ours, theirs, at);
            let each = per_round(&rounds, &ours, theirs, at);
            let listed = each
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(", ");
            // The median of the alternating rounds where they ran (`--quick` has none).
            let r = median(&each).or(single);
            let how = if each.is_empty() {
                "in the tables' run".to_string()
            } else {
                format!(
                    "the median of {} rounds that alternate the two ({listed}; the tables' \
                     run: {})",
                    each.len(),
                    single.map_or("—".into(), |r| format!("{r:.2}×"))
                )
            };
            target(
                &mut md,
                format!(
                    "`{ours}` at 16 Mi elements is {} `{theirs}`, {how} (target ≤ 1.00×)",
                    r.map_or("—".into(), |r| format!("{r:.2}×"))
                ),
                r.map(|r| r <= 1.0),
                &cast_why(&results, &rounds, &ours, theirs, at),
            );
        }
    }
    for line in peaks.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["PEAK", case, input, output, rss] = f[..] {
            let (i, o, r): (u64, u64, u64) = (input.parse()?, output.parse()?, rss.parse()?);
            let limit = (i + o) as f64 * 1.05;
            target(
                &mut md,
                format!(
                    "peak RSS converting a 1 GiB tensor by `{case}` on burn-ndarray (`/usr/bin/time -v`): {:.0} MiB for input {} MiB + output {} MiB, {:.3}× (target ≤ 1.05×)",
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

/// Why a same-dtype read of a shared tensor trails one memcpy of `size` bytes, from the
/// ratios `[read, floor, tensor clone]` to that memcpy (`memcpy_ns`) in this run.
fn shared_why(
    b: Backend,
    floor_case: &str,
    size: u64,
    [r, floor, clone]: [f64; 3],
    memcpy_ns: u64,
) -> String {
    if size > 1 << 10 {
        return format!(
            "at this size the fixed costs are negligible (the tensor clone is {clone:.3}×) \
             and the copy is the same memcpy as the floor rows' (`{floor_case}`: \
             {floor:.2}×); the gap is this run's spread between calls that each take a fresh \
             {} buffer from the allocator.",
            human_size(size)
        );
    }
    let rest = r - floor - clone;
    let what = if b == Backend::Tch {
        "the view's own work: libtorch calls (each one a call into C++) for the tensor's \
         dtype, device, shape, strides and data pointer"
    } else {
        "burn-nd's own work: the cast check, finding the backend's buffer, a view of it and \
         its layout check"
    };
    let fixed = floor + clone;
    let verdict = if fixed > 1.2 {
        format!(
            "Those two alone make {fixed:.2}×, over the target before any work of the read's \
             own: Burn 0.21 gives no borrowed access to a tensor's primitive \
             (`Tensor::primitive` is `pub(crate)`), so a `&self` read must clone the handle."
        )
    } else {
        format!("Those two alone make {fixed:.2}×, which leaves the read's own work little room.")
    };
    format!(
        "a call has fixed costs that a {} memcpy does not pay: building the array around the \
         same memcpy already makes {floor:.2}× (`{floor_case}`), and cloning the tensor \
         handle {clone:.2}× more (`tensor_clone`). {verdict} The remaining {rest:.2}× (about \
         {} ns) is {what}. From 1 MiB on the copy itself dominates.",
        human_size(size),
        (rest * memcpy_ns as f64).round()
    )
}

/// The ratio `a / b` at `size` in each round where both ran.
fn per_round(rounds: &[Results], a: &str, b: &str, size: u64) -> Vec<f64> {
    rounds
        .iter()
        .filter_map(|round| ratio(round, a, b, size))
        .collect()
}

/// The median of `values` (the upper one of an even count); `None` when there are none.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

/// Why a cast at `size` trails NumPy's, from what the run measured: the same pair with the
/// source in the other page size, on both sides, from the rounds where they ran.
fn cast_why(results: &Results, rounds: &[Results], ours: &str, theirs: &str, size: u64) -> String {
    let (ours_4k, ours_hp, theirs_4k, theirs_hp) = match ours.strip_suffix("_hp") {
        Some(base) => (
            base.into(),
            ours.into(),
            format!("{theirs}_4k"),
            theirs.into(),
        ),
        None => (
            ours.into(),
            format!("{ours}_hp"),
            theirs.into(),
            theirs.trim_end_matches("_4k").into(),
        ),
    };
    let pages: [String; 4] = [ours_4k, ours_hp, theirs_4k, theirs_hp];
    // Medians over the rounds; the tables' run where there are none (`--quick`).
    let measured =
        |a: &str, b: &str| median(&per_round(rounds, a, b, size)).or(ratio(results, a, b, size));
    let source = if rounds.is_empty() {
        "in the tables' run".to_string()
    } else {
        format!("medians over the {} rounds", rounds.len())
    };
    let mut why =
        "Not established. Both loops are vectorised (burn-nd picks AVX2 at run time).".to_string();
    if ours.starts_with("ndarray/cast_f32_i32") {
        why.push_str(
            " burn-nd's f32 → i32 gives Rust's `as` result (NaN → 0, values out of range \
             saturate to i32::MIN / i32::MAX), which takes a few more instructions than \
             NumPy's bare conversion, whose answer for NaN and out-of-range values is \
             i32::MIN (`np.float32([nan, 3e9]).astype(np.int32)` gives \
             `[-2147483648, -2147483648]` with a RuntimeWarning); that work is the same \
             whatever the source's pages.",
        );
    }
    match (
        measured(&pages[1], &pages[3]),
        measured(&pages[0], &pages[2]),
        measured(&pages[0], &pages[1]),
        measured(&pages[2], &pages[3]),
    ) {
        (Some(hp), Some(small), Some(a), Some(b)) => format!(
            "{why} burn-nd's cast is {hp:.2}× NumPy's with both sources in huge pages and \
             {small:.2}× with both in 4 KiB pages; a source in 4 KiB pages instead of huge \
             pages costs burn-nd's loop {a:.2}× and NumPy's {b:.2}× ({source}: `{}` / `{}`, \
             `{}` / `{}`).",
            pages[0], pages[1], pages[2], pages[3]
        ),
        _ => why,
    }
}

fn write_report(path: &Path, md: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, md)?;
    Ok(())
}
