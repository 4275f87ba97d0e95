//! The generated part of BENCHMARKS.md: how and where the run was made, one table per
//! backend and one for NumPy and PyTorch. Only measured data and what the code did; the
//! explanations live in the text a person maintains below the generated part.

use std::fmt::Write as _;
use std::process::Command;

use super::run::{Measured, Results, CAST_ROUNDS};
use super::subject::Subject;

pub fn human_time(ns: u64) -> String {
    match ns {
        n if n < 10_000 => format!("{n} ns"),
        n if n < 10_000_000 => format!("{:.1} µs", n as f64 / 1e3),
        n => format!("{:.1} ms", n as f64 / 1e6),
    }
}

pub fn human_size(bytes: u64) -> String {
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

/// The results key of a Rust case on `subject`, as the bench prints it: `<name>/<case>`.
pub fn key_of(subject: Subject, case: &str) -> String {
    format!("{}/{case}", subject.name())
}

/// The rows of the casts from a source in huge pages (burn-nd's `from_ndarray`).
const HUGE_PAGE_ROWS: [(&str, &str); 3] = [
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
];

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

/// What each backend adds to the common rows, and the line that says how it was run.
fn backend_rows(subject: Subject) -> (&'static str, Vec<(&'static str, &'static str)>) {
    // burn-nd-ndarray's rows, the same on both lines.
    let shares = [
        (
            "into_arcarray_zero_copy",
            "burn-nd-ndarray `into_arcarray` (zero-copy)",
        ),
        (
            "from_arcarray_zero_copy",
            "burn-nd-ndarray `from_arcarray` (zero-copy)",
        ),
        (
            "autodiff_into_arcarray_zero_copy",
            "burn-nd-ndarray `into_arcarray` of a unique `Autodiff` tensor (zero-copy)",
        ),
    ];
    match subject {
        Subject::Ndarray => (
            "burn-ndarray, one thread.",
            shares
            .into_iter()
            .chain(HUGE_PAGE_ROWS)
            .collect(),
        ),
        Subject::Tch => (
            "burn-tch on the CPU (libtorch 2.9.0 from the torch wheel), `OMP_NUM_THREADS=1`.",
            vec![
                (
                    "as_ndarray_view_zero_copy",
                    "burn-nd-tch `as_ndarray_view_unchecked` (`unsafe`, zero-copy, like `t.numpy()`)",
                ),
                (
                    "as_ndarray_view_to_owned",
                    "burn-nd-tch `as_ndarray_view_unchecked` + `to_owned` (one copy)",
                ),
                (
                    "autodiff_as_ndarray_view_zero_copy",
                    "burn-nd-tch `as_ndarray_view_unchecked` of an `Autodiff` tensor (zero-copy)",
                ),
                (
                    "as_ndarray_view_safe_copy",
                    "burn-nd-tch `as_ndarray_view` (safe on 0.21: one copy the view owns)",
                ),
                (
                    "from_ndarray_tch",
                    "burn-nd-tch `from_ndarray_tch` (one copy into libtorch)",
                ),
            ],
        ),
        Subject::Wgpu => (
            "burn-wgpu on the machine's default adapter; sizes stop at 64 MiB, the largest \
             buffer lavapipe allocates.",
            Vec::new(),
        ),
        Subject::Flex => (
            "burn-flex (`Device::flex()`), Burn 0.22's embedded CPU backend.",
            vec![
                (
                    "as_ndarray_view_zero_copy",
                    "`as_ndarray_view` (zero-copy, like `t.numpy()`)",
                ),
                (
                    "as_ndarray_view_to_owned",
                    "`as_ndarray_view` + `to_owned` (one copy)",
                ),
                (
                    "autodiff_as_ndarray_view_zero_copy",
                    "`as_ndarray_view` of an `Autodiff` tensor (zero-copy)",
                ),
            ]
            .into_iter()
            .chain(HUGE_PAGE_ROWS)
            .collect(),
        ),
        Subject::Ndarray022 => (
            "burn-ndarray on Burn 0.22 (`Device::ndarray()`, deprecated there), one thread.",
            shares.to_vec(),
        ),
        Subject::Tch022 => (
            "burn-tch on Burn 0.22 (`Device::libtorch()`, deprecated there), libtorch 2.9.0 \
             from the torch wheel, `OMP_NUM_THREADS=1`.",
            Vec::new(),
        ),
        Subject::Wgpu022 => (
            "Burn 0.22's wgpu device (`Device::wgpu(DeviceKind::DefaultDevice)`) on the \
             machine's default adapter; sizes stop at 64 MiB, the largest buffer lavapipe \
             allocates.",
            Vec::new(),
        ),
    }
}

/// The row each backend's table divides by: one memcpy where that is the limit; naive code
/// on wgpu, whose reads are device transfers.
pub fn base_case(subject: Subject) -> &'static str {
    match subject.backend() {
        crate::Backend::Wgpu => "naive_to_data",
        _ => "memcpy",
    }
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

/// How and where the run was made.
pub fn header(md: &mut String, m: &Measured) {
    let cpu = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
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
    let reporting = shell("cat /sys/module/page_reporting/parameters/page_reporting_order");
    if !reporting.is_empty() {
        let _ = writeln!(
            md,
            "- Virtual machine with free page reporting (blocks of 2^{reporting} pages)"
        );
    }
    let _ = writeln!(
        md,
        "- Rust: `{}`, release profile; Python: {}, `torch.set_num_threads(1)`",
        shell("rustc --version"),
        m.versions
    );
    let _ = writeln!(
        md,
        "- Method: median time per call over N samples (201 at 1 KiB, 200 at 1 MiB, 31 at \
         64 MiB, 5 at 1 GiB) after one warm-up call; up to 1 MiB a sample times as many calls \
         as fill about 10 µs (at most 100), above 1 MiB one call; each call makes a fresh \
         output, as NumPy's `copy` / `astype` do, dropped after the clock stops, except \
         `read_into_reused`, which writes into one array made before the clock starts; \
         inputs that a call consumes are made before it starts. Sizes are those of an f32 \
         source (`size / 4` elements in every case; the i64 → i32 source is twice the \
         bytes). Ratios compare numbers of the same run, and each backend's rows its own \
         memcpy measured in the same process. The Autodiff and `read_into` targets compare \
         the two cases timed in alternating samples in one process (the tables' rows are \
         timed one after the other), by the median of the per-sample ratios. The cast \
         targets, which compare two processes, are decided by {CAST_ROUNDS} further rounds of the casts alone at \
         64 MiB, each burn-nd's then NumPy's, by the median of the rounds' ratios.\n"
    );
    for line in &m.unusable {
        let _ = writeln!(
            md,
            "- **Not measured**, backend could not be set up or built: {line}\n"
        );
    }
}

/// One table per measured backend, then NumPy's and PyTorch's.
pub fn tables(md: &mut String, m: &Measured, sizes: &[u64]) {
    for &b in &m.usable {
        let (about, extra) = backend_rows(b);
        let _ = writeln!(
            md,
            "## Burn {}: burn-nd on {} beside the limit and naive code\n",
            m.line,
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
        table(md, &m.results, sizes, &rows, &key_of(b, base_case(b)));
    }
    let _ = writeln!(
        md,
        "## Burn {}: (c) NumPy and PyTorch, same sizes, same run\n",
        m.line
    );
    let _ = writeln!(
        md,
        "Median, and in brackets the ratio to NumPy's `a.copy()`.\n"
    );
    table(
        md,
        &m.results,
        sizes,
        &[
            ("numpy_copy", "NumPy `a.copy()`"),
            (
                "numpy_copy_4k",
                "NumPy `a.copy()`, source in 4 KiB pages like a Burn tensor's",
            ),
            (
                "numpy_copyto_reused",
                "NumPy `np.copyto(out, a)` into one reused array",
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
}
