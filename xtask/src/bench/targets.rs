//! The targets, each a verdict computed from the measured data: met, missed or not measured.

use super::report::{human_size, human_time, key_of};
use super::run::{Measured, Results};
use super::subject::Subject;
use crate::Error;

/// One line of the Targets section.
pub struct Target {
    pub text: String,
    /// `Some(met)`, or `None` where the run has no data for it.
    pub met: Option<bool>,
}

fn ratio(results: &Results, a: &str, b: &str, size: u64) -> Option<f64> {
    let x = *results.get(&(a.to_string(), size))?;
    let y = *results.get(&(b.to_string(), size))?;
    (y > 0).then(|| x as f64 / y as f64)
}

fn times(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}×"))
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

/// Same-dtype reads of a shared tensor, on the backends whose limit is a host memcpy: at
/// 1 KiB against the floor of fixed costs every such read pays, from 1 MiB up against one
/// memcpy.
fn shared_reads(m: &Measured, sizes: &[u64], out: &mut Vec<Target>) {
    for (b, case) in [
        (Subject::Ndarray, "to_ndarray_shared"),
        (Subject::Ndarray, "to_ndarray_dyn_shared"),
        (Subject::Tch, "to_ndarray_shared"),
        (Subject::Tch, "to_ndarray_dyn_shared"),
        (Subject::Tch, "as_ndarray_view_to_owned"),
        (Subject::Tch, "as_ndarray_view_safe_copy"),
        (Subject::Flex, "to_ndarray_shared"),
        (Subject::Flex, "to_ndarray_dyn_shared"),
        (Subject::Flex, "as_ndarray_view_to_owned"),
        (Subject::Ndarray022, "to_ndarray_shared"),
        (Subject::Ndarray022, "to_ndarray_dyn_shared"),
        (Subject::Tch022, "to_ndarray_shared"),
        (Subject::Tch022, "to_ndarray_dyn_shared"),
    ] {
        if !m.usable.contains(&b) {
            continue;
        }
        if sizes.contains(&SMALL) {
            out.push(small_shared_read(m, b, case));
        }
        for &s in sizes.iter().filter(|&&s| s >= 1 << 20) {
            let r = ratio(&m.results, &key_of(b, case), &key_of(b, "memcpy"), s);
            out.push(Target {
                text: format!(
                    "{}: same-dtype `{case}` of a shared tensor at {} is {} one memcpy \
                     (target ≤ 1.20× from 1 MiB up)",
                    b.name(),
                    human_size(s),
                    times(r)
                ),
                met: r.map(|r| r <= 1.2),
            });
        }
    }
}

/// The smallest size measured, where a read's fixed costs decide its time.
const SMALL: u64 = 1 << 10;

/// A same-dtype read of a shared tensor at 1 KiB against its floor: the costs no read of a
/// shared tensor into a new array can avoid, measured in the same run. A 1 KiB memcpy takes
/// tens of nanoseconds, so a ratio to it measures fixed costs, not the copy; the floor adds
/// the two fixed costs every such read pays: the handle clone a `&self` read makes (neither
/// Burn line lends a tensor's primitive; the `tensor_clone` row) and building the result
/// array around the copy (`memcpy_array1` for an `Array1`, `memcpy_arrayd` for an `ArrayD`).
/// The target allows half as much again for burn-nd's own work (the cast check, finding the
/// backend's buffer, the layout check): ≤ 1.5× the floor.
fn small_shared_read(m: &Measured, b: Subject, case: &str) -> Target {
    let result_floor = if case == "to_ndarray_shared" {
        "memcpy_array1"
    } else {
        "memcpy_arrayd"
    };
    let get = |c: &str| m.results.get(&(key_of(b, c), SMALL)).copied();
    let floor = get(result_floor)
        .zip(get("tensor_clone"))
        .map(|(array, clone)| array + clone);
    let read = get(case);
    let r = read
        .zip(floor)
        .and_then(|(read, floor)| (floor > 0).then(|| read as f64 / floor as f64));
    Target {
        text: format!(
            "{}: same-dtype `{case}` of a shared tensor at {} is {} its floor, \
             `{result_floor}` + `tensor_clone` ({} + {}) (target ≤ 1.50× the floor at 1 KiB, \
             where fixed costs decide: see `small_shared_read` in xtask/src/bench/targets.rs)",
            b.name(),
            human_size(SMALL),
            times(r),
            get(result_floor).map_or("—".into(), human_time),
            get("tensor_clone").map_or("—".into(), human_time),
        ),
        met: r.map(|r| r <= 1.5),
    }
}

/// The ratio of case `a` to case `b` at `size` that decides a target: the median of the
/// alternating samples where the run paired them, else the two separate table rows; and a
/// phrase that says which, with the other figure beside it.
fn decided(m: &Measured, a: &str, b: &str, size: u64) -> (Option<f64>, String) {
    let table = ratio(&m.results, a, b, size);
    match m.pairs.get(&(a.to_string(), b.to_string(), size)) {
        Some(&r) => (
            Some(r),
            format!(
                "in alternating samples (the tables' separate rows: {})",
                times(table)
            ),
        ),
        None => (table, "in the tables' separate rows".to_string()),
    }
}

/// A read into a reused array against a fresh `to_ndarray` of the same tensor at 64 MiB,
/// beside NumPy's `a.copy()` against `np.copyto` into a reused array.
fn reads_into(m: &Measured, out: &mut Vec<Target>) {
    let s = 64 << 20;
    let (numpy, numpy_how) = decided(m, "numpy_copy", "numpy_copyto_reused", s);
    for &b in &m.usable {
        let into = key_of(b, "read_into_reused");
        let (r, how) = decided(m, &key_of(b, "to_ndarray_shared"), &into, s);
        let beside = ratio(&m.results, &into, "numpy_copyto_reused", s);
        out.push(Target {
            text: format!(
                "{}: `read_into_reused` at {} is {} faster than a fresh `to_ndarray_shared`, \
                 {how} (target ≥ 2×); for NumPy, `np.copyto` into a reused array is {} faster \
                 than `a.copy()`, {numpy_how}, and `read_into_reused` takes {} its time",
                b.name(),
                human_size(s),
                times(r),
                times(numpy),
                times(beside)
            ),
            met: r.map(|r| r >= 2.0),
        });
    }
}

/// Autodiff tensors read as fast as the plain backend's, on every backend.
fn autodiff(m: &Measured, sizes: &[u64], out: &mut Vec<Target>) {
    for &b in &m.usable {
        for (ad, plain) in [
            ("autodiff_to_ndarray_shared", "to_ndarray_shared"),
            ("autodiff_into_ndarray_unique", "into_ndarray_unique"),
        ] {
            // Sizes the backend was not measured at (wgpu stops at 64 MiB) have no row.
            for &s in sizes
                .iter()
                .filter(|&&s| m.results.contains_key(&(key_of(b, plain), s)))
            {
                let (r, how) = decided(m, &key_of(b, ad), &key_of(b, plain), s);
                out.push(Target {
                    text: format!(
                        "{}: `{ad}` at {} is {} the plain backend's `{plain}`, {how} \
                         (target ≤ 1.20×)",
                        b.name(),
                        human_size(s),
                        times(r)
                    ),
                    met: r.map(|r| r <= 1.2),
                });
            }
        }
    }
}

/// O(1): no growth over the last 16× of size, and a vanishing share of one copy.
fn flat(m: &Measured, sizes: &[u64], out: &mut Vec<Target>) {
    let (small, large) = (sizes[0], *sizes.last().unwrap_or(&sizes[0]));
    let prev = sizes[sizes.len().saturating_sub(2)];
    for (b, case) in [
        (Subject::Ndarray, "into_ndarray_unique"),
        (Subject::Ndarray, "into_arcarray_zero_copy"),
        (Subject::Ndarray, "autodiff_into_arcarray_zero_copy"),
        (Subject::Ndarray, "from_arcarray_zero_copy"),
        (Subject::Tch, "as_ndarray_view_zero_copy"),
        (Subject::Tch, "autodiff_as_ndarray_view_zero_copy"),
        (Subject::Flex, "into_ndarray_unique"),
        (Subject::Flex, "autodiff_into_ndarray_unique"),
        (Subject::Flex, "as_ndarray_view_zero_copy"),
        (Subject::Flex, "autodiff_as_ndarray_view_zero_copy"),
        (Subject::Ndarray022, "into_ndarray_unique"),
        (Subject::Ndarray022, "into_arcarray_zero_copy"),
        (Subject::Ndarray022, "autodiff_into_arcarray_zero_copy"),
        (Subject::Ndarray022, "from_arcarray_zero_copy"),
    ] {
        if !m.usable.contains(&b) {
            continue;
        }
        let key = key_of(b, case);
        let get = |s: u64| m.results.get(&(key.clone(), s)).copied();
        let memcpy = m.results.get(&(key_of(b, "memcpy"), large));
        let found = match (get(small), get(prev), get(large), memcpy) {
            (Some(a), Some(b), Some(c), Some(&m)) => Some((a, b, c, m)),
            _ => None,
        };
        out.push(Target {
            text: match found {
                Some((a, b, c, m)) => format!(
                    "`{key}` is O(1): {} at {}, {} at {}, {} at {} ({:.2}× over the last 16× of \
                     size; {:.5}× one memcpy of {}); target: no growth with size (≤ 2× over \
                     that 16×)",
                    human_time(a),
                    human_size(small),
                    human_time(b),
                    human_size(prev),
                    human_time(c),
                    human_size(large),
                    c as f64 / b.max(1) as f64,
                    c as f64 / m.max(1) as f64,
                    human_size(large)
                ),
                None => format!("`{key}` flatness needs at least two sizes"),
            },
            met: found.map(|(_, b, c, _)| c <= 2 * b.max(1)),
        });
    }
}

/// Casts on the line's embedded CPU backend at 16 Mi elements against NumPy's, like with
/// like: a source in huge pages (NumPy's default, burn-nd's `from_ndarray`) and one in 4 KiB
/// pages (Burn's `from_data(Vec)`, NumPy's `_4k` rows).
fn casts(m: &Measured, out: &mut Vec<Target>) {
    let cpu = Subject::cpu_of(m.line);
    if !m.usable.contains(&cpu) {
        return;
    }
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
        let ours = key_of(cpu, ours);
        let single = ratio(&m.results, &ours, theirs, at);
        let each = per_round(&m.rounds, &ours, theirs, at);
        // The median of the alternating rounds where they ran (`--quick` has none).
        let r = median(&each).or(single);
        let how = if each.is_empty() {
            "in the tables' run".to_string()
        } else {
            let listed: Vec<String> = each.iter().map(|r| format!("{r:.2}")).collect();
            format!(
                "the median of {} rounds that alternate the two ({}; the tables' run: {})",
                each.len(),
                listed.join(", "),
                times(single)
            )
        };
        out.push(Target {
            text: format!(
                "`{ours}` at 16 Mi elements is {} `{theirs}`, {how} (target ≤ 1.00×)",
                times(r)
            ),
            met: r.map(|r| r <= 1.0),
        });
    }
}

/// Peak RSS of converting a 1 GiB tensor against input plus output.
fn peaks(m: &Measured, quick: bool, out: &mut Vec<Target>) -> Result<(), Error> {
    for line in m.peaks.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["PEAK", case, input, output, rss] = f[..] {
            let (i, o, r): (u64, u64, u64) = (input.parse()?, output.parse()?, rss.parse()?);
            out.push(Target {
                text: format!(
                    "peak RSS converting a 1 GiB tensor by `{case}` on {} \
                     (`/usr/bin/time -v`): {:.0} MiB for input {} MiB + output {} MiB, {:.3}× \
                     (target ≤ 1.05×)",
                    Subject::cpu_of(m.line).name(),
                    r as f64 / 1048576.0,
                    i >> 20,
                    o >> 20,
                    r as f64 / (i + o) as f64
                ),
                met: Some(r as f64 <= (i + o) as f64 * 1.05),
            });
        }
    }
    if quick {
        out.push(Target {
            text: "peak memory (skipped by `--quick`)".into(),
            met: None,
        });
    }
    Ok(())
}

/// Every target the run can decide, in the order BENCHMARKS.md lists them.
pub fn targets(m: &Measured, sizes: &[u64], quick: bool) -> Result<Vec<Target>, Error> {
    let mut out = Vec::new();
    shared_reads(m, sizes, &mut out);
    reads_into(m, &mut out);
    autodiff(m, sizes, &mut out);
    flat(m, sizes, &mut out);
    casts(m, &mut out);
    peaks(m, quick, &mut out)?;
    Ok(out)
}
