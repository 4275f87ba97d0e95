//! Conversion benchmarks beside the limit (one memcpy) and naive Burn code, on every backend
//! this crate is built with, on both Burn lines. `cargo xtask bench` runs it once per backend,
//! with NumPy and PyTorch beside it (`convert.py`), and writes BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p burn-nd-conformance --bench convert                 # Burn 0.21 burn-ndarray
//! cargo bench -p burn-nd-conformance --bench convert --no-default-features --features tch-0-21
//! cargo bench -p burn-nd-conformance --bench convert --no-default-features --features wgpu-0-21
//! cargo bench -p burn-nd-conformance --bench convert --no-default-features --features flex-0-22
//!     # Burn 0.22: flex, ndarray-0-22, tch-0-22, wgpu-0-22 likewise
//!     ... -- --only flex   # one backend of a build with several
//!     ... -- --quick   # 1 KiB and 1 MiB only
//!     ... -- --max-bytes 67108864   # sizes up to 64 MiB (lavapipe cannot hold 1 GiB)
//!     ... -- --peak    # peak RSS of 1 GiB conversions (burn-ndarray or burn-flex)
//!     ... -- --casts-only   # the cast cases alone, at 64 MiB (burn-ndarray or burn-flex)
//! ```
//!
//! (tch needs libtorch and wgpu a Vulkan driver: `cargo xtask setup` installs both, and the
//! README says how to run with them.)
//!
//! Sizes are of an f32 source (`bytes / 4` elements in every case, i64 → i32 included).
//! Output lines: `RESULT <backend>/<case> <f32 bytes> <median ns per call> <calls>`,
//! `PAIR <backend>/<a> <backend>/<b> <f32 bytes> <median ratio of a to b> <samples>` (two cases
//! timed in alternating samples) and `PEAK <case> <input bytes> <output bytes> <max RSS bytes>`.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::{Array1, ArrayD, IxDyn};
use burn_nd::{Casting, FromNdarray, NdElement, ToNdarray};

const SIZES: [usize; 4] = [1 << 10, 1 << 20, 64 << 20, 1 << 30];

/// Samples taken at `bytes`.
fn samples(bytes: usize) -> usize {
    match bytes {
        b if b <= 1 << 10 => 201,
        b if b <= 1 << 20 => 200,
        b if b <= 64 << 20 => 31,
        _ => 5,
    }
}

/// Calls per sample, for a call that took `once`: up to 1 MiB, enough calls to fill about
/// 10 µs (at most 100), so that reading the clock (tens of ns) is not counted as conversion
/// time; above 1 MiB one call, so that 64 MiB and 1 GiB rows compare like with like.
fn calls_per_sample(bytes: usize, once: Duration) -> usize {
    if bytes > 1 << 20 {
        return 1;
    }
    (10_000 / once.as_nanos().max(1)).clamp(1, 100) as usize
}

/// The time of `calls` calls of `run`, each on a fresh input from `setup` made before the
/// clock starts; the outputs are dropped after it stops.
fn sample<I, O>(
    calls: usize,
    setup: &mut impl FnMut() -> I,
    run: &mut impl FnMut(I) -> O,
) -> Duration {
    let inputs: Vec<I> = (0..calls).map(|_| setup()).collect();
    let mut outputs = Vec::with_capacity(calls);
    let start = Instant::now();
    for input in inputs {
        outputs.push(black_box(run(black_box(input))));
    }
    let elapsed = start.elapsed();
    drop(outputs);
    elapsed
}

/// Set by `--casts-only`: every case but the casts is skipped. `cargo xtask bench` runs the
/// casts alone in rounds that alternate with NumPy's, so that a change in this shared
/// machine's load between the two processes cannot decide a cast's verdict.
static CASTS_ONLY: AtomicBool = AtomicBool::new(false);

/// Times cases for one backend at one size.
struct Bencher {
    backend: &'static str,
    bytes: usize,
}

impl Bencher {
    /// Reports the median time per call of `run`, each call with a fresh input from `setup`
    /// (made before the clock starts); outputs are dropped after it stops.
    fn case<I, O>(&self, case: &str, mut setup: impl FnMut() -> I, mut run: impl FnMut(I) -> O) {
        if CASTS_ONLY.load(Ordering::Relaxed) && !case.starts_with("cast_") {
            return;
        }
        let calls = self.calibrate(&mut setup, &mut run);
        let samples = samples(self.bytes);
        let mut times: Vec<Duration> = (0..samples)
            .map(|_| sample(calls, &mut setup, &mut run))
            .collect();
        times.sort();
        let per_call = times[samples / 2].as_nanos() / calls as u128;
        let (backend, bytes) = (self.backend, self.bytes);
        println!(
            "RESULT {backend}/{case} {bytes} {per_call} {}",
            samples * calls
        );
    }

    /// Compares two cases sample by sample, alternating them, so that a change in this shared
    /// machine's load hits both alike: reports the median over samples of `a`'s time per call
    /// divided by `b`'s, as `PAIR <backend>/<a> <backend>/<b> <bytes> <ratio> <samples>`.
    #[allow(clippy::too_many_arguments)] // two cases, each a name, a setup and a run
    fn pair<IA, OA, IB, OB>(
        &self,
        a: &str,
        mut setup_a: impl FnMut() -> IA,
        mut run_a: impl FnMut(IA) -> OA,
        b: &str,
        mut setup_b: impl FnMut() -> IB,
        mut run_b: impl FnMut(IB) -> OB,
    ) {
        if CASTS_ONLY.load(Ordering::Relaxed) {
            return;
        }
        let calls_a = self.calibrate(&mut setup_a, &mut run_a);
        let calls_b = self.calibrate(&mut setup_b, &mut run_b);
        let samples = samples(self.bytes);
        let mut ratios: Vec<f64> = (0..samples)
            .map(|_| {
                let ta = sample(calls_a, &mut setup_a, &mut run_a).as_nanos() as f64;
                let tb = sample(calls_b, &mut setup_b, &mut run_b).as_nanos() as f64;
                (ta / calls_a as f64) / (tb / calls_b as f64).max(1.0)
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let (backend, bytes) = (self.backend, self.bytes);
        println!(
            "PAIR {backend}/{a} {backend}/{b} {bytes} {:.4} {samples}",
            ratios[samples / 2]
        );
    }

    /// One warm-up call, then the calls per sample for a call as long as a second one.
    fn calibrate<I, O>(
        &self,
        setup: &mut impl FnMut() -> I,
        run: &mut impl FnMut(I) -> O,
    ) -> usize {
        drop(black_box(run(setup())));
        let input = setup();
        let start = Instant::now();
        let out = black_box(run(black_box(input)));
        let calls = calls_per_sample(self.bytes, start.elapsed());
        drop(out);
        calls
    }

    /// The floors every conversion is compared with, measured in the same process.
    fn floors(&self) {
        let n = self.bytes / 4;
        let src: Vec<f32> = (0..n).map(|i| i as f32).collect();
        self.case("memcpy", || (), |()| src.to_vec());
        // ndarray's own construction of an array around the same memcpy: the floor for a
        // conversion that returns `Array1` (static rank) or `ArrayD`.
        self.case("memcpy_array1", || (), |()| Array1::from_vec(src.to_vec()));
        self.case(
            "memcpy_arrayd",
            || (),
            |()| ArrayD::from_shape_vec(IxDyn(&[n]), src.to_vec()).expect("shape"),
        );
    }

    /// The cases every backend has: the floors, naive code, the read and write paths of
    /// burn-nd, casts. `t` is a shared f32 tensor of `bytes / 4` elements, `fresh` makes a
    /// unique one, `ti` is an i64 tensor of as many elements, `naive` is the read a user writes
    /// with Burn alone and `from` is burn-nd's `from_ndarray` on the backend.
    fn common<T, I>(
        &self,
        t: &T,
        fresh: impl FnMut() -> T,
        ti: &I,
        naive: impl Fn(&T) -> ArrayD<f32>,
        from: impl Fn(&Array1<f32>) -> T,
    ) where
        T: ToNdarray<1>,
        I: ToNdarray<1>,
    {
        self.floors();
        let n = self.bytes / 4;
        // What a `&self` read pays before it reads anything: a handle clone, dropped after.
        self.case("tensor_clone", || (), |()| drop(t.clone()));
        // Naive user code on a shared tensor (a clone is alive, as with any `&self` read).
        self.case("naive_to_data", || (), |()| naive(t));
        self.case(
            "to_ndarray_shared",
            || (),
            |()| t.to_ndarray::<f32>().expect("to"),
        );
        self.case(
            "to_ndarray_dyn_shared",
            || (),
            |()| t.to_ndarray_dyn::<f32>().expect("to"),
        );
        self.case("into_ndarray_unique", fresh, |u| {
            u.into_ndarray::<f32>().expect("into")
        });
        // The same read as `to_ndarray_shared`, into one array reused by every call.
        let mut reused = Array1::<f32>::zeros(n);
        self.case(
            "read_into_reused",
            || (),
            |()| t.read_into(&mut reused).expect("read_into"),
        );
        drop(reused);
        let array = t.to_ndarray::<f32>().expect("to");
        self.case("from_ndarray", || (), |()| from(&array));
        drop(array);
        self.cast::<_, i32>("cast_f32_i32", t);
        self.cast::<_, f16>("cast_f32_f16", t);
        self.cast::<_, bf16>("cast_f32_bf16", t);
        self.cast::<_, f64>("cast_f32_f64", t);
        self.cast::<_, i32>("cast_i64_i32", ti);
    }

    /// The reads a training loop makes, on an Autodiff tensor: `made_ad` gives the output of a
    /// Burn op on a tensor that requires gradients, read while a clone is alive. Each is also
    /// paired with the same read of a plain tensor made by the same op (`made`), for the
    /// Autodiff targets.
    fn autodiff<P, A>(&self, mut made: impl FnMut() -> P, mut made_ad: impl FnMut() -> A)
    where
        P: ToNdarray<1>,
        A: ToNdarray<1>,
    {
        let n = self.bytes / 4;
        let t = made_ad();
        let plain = made();
        self.case(
            "autodiff_to_ndarray_shared",
            || (),
            |()| t.to_ndarray::<f32>().expect("to"),
        );
        self.case("autodiff_into_ndarray_unique", &mut made_ad, |u| {
            u.into_ndarray::<f32>().expect("into")
        });
        self.pair(
            "autodiff_to_ndarray_shared",
            || (),
            |()| t.to_ndarray::<f32>().expect("to"),
            "to_ndarray_shared",
            || (),
            |()| plain.to_ndarray::<f32>().expect("to"),
        );
        self.pair(
            "autodiff_into_ndarray_unique",
            &mut made_ad,
            |u| u.into_ndarray::<f32>().expect("into"),
            "into_ndarray_unique",
            &mut made,
            |u| u.into_ndarray::<f32>().expect("into"),
        );
        // A fresh read against one into a reused array, of the same tensor.
        let mut reused = Array1::<f32>::zeros(n);
        self.pair(
            "to_ndarray_shared",
            || (),
            |()| plain.to_ndarray::<f32>().expect("to"),
            "read_into_reused",
            || (),
            |()| plain.read_into(&mut reused).expect("read_into"),
        );
    }

    fn cast<T: ToNdarray<1>, E: NdElement>(&self, case: &str, t: &T) {
        self.case(
            case,
            || (),
            |()| t.to_ndarray_with::<E>(Casting::Unsafe).expect("cast"),
        );
    }

    /// The casts again from a copy of `t` made by burn-nd's `from_ndarray` (`from`), whose
    /// buffer lies in huge pages from 4 MiB on, as a NumPy array's does; Burn's
    /// `from_data(Vec)` keeps the Vec's 4 KiB pages, and reading those costs more page walks.
    fn casts_from_huge_pages<T, I>(
        &self,
        t: T,
        ti: I,
        from: impl Fn(&ArrayD<f32>) -> T,
        from_i64: impl Fn(&ArrayD<i64>) -> I,
    ) where
        T: ToNdarray<1>,
        I: ToNdarray<1>,
    {
        let t = from(&t.into_ndarray_dyn::<f32>().expect("to"));
        self.cast::<_, i32>("cast_f32_i32_hp", &t);
        self.cast::<_, f64>("cast_f32_f64_hp", &t);
        drop(t);
        let ti = from_i64(&ti.into_ndarray_dyn::<i64>().expect("to"));
        self.cast::<_, i32>("cast_i64_i32_hp", &ti);
    }

    /// A backend's zero-copy view of a shared tensor (`view`) and of an Autodiff one made by
    /// a Burn op (`autodiff_view`), both flat in size, and the same view copied by ndarray's
    /// `to_owned` (`owned`), beside `to_ndarray`'s own one-copy read.
    /// burn-nd-ndarray's zero-copy cases on either line's burn-ndarray: `into_arcarray` of a
    /// shared tensor's clone, `from_arcarray` of an array's clone, and `into_arcarray` of an
    /// `Autodiff` op result made by `autodiff`.
    #[cfg(any(feature = "ndarray-0-21", feature = "ndarray-0-22"))]
    fn shares<T, U>(&self, t: &T, autodiff: impl Fn() -> U)
    where
        T: burn_nd_ndarray::ShareNdarray + Clone,
        U: burn_nd_ndarray::ShareNdarray,
    {
        self.case(
            "into_arcarray_zero_copy",
            || t.clone(),
            |u| u.into_arcarray::<f32>().expect("arc"),
        );
        let arc = t.to_arcarray::<f32>().expect("arc");
        self.case(
            "from_arcarray_zero_copy",
            || arc.clone(),
            |a| T::from_arcarray(a).expect("from"),
        );
        drop(arc);
        self.case("autodiff_into_arcarray_zero_copy", autodiff, |u| {
            u.into_arcarray::<f32>().expect("arc")
        });
    }

    fn views<V, W, O>(
        &self,
        view: impl Fn() -> V,
        autodiff_view: impl Fn() -> W,
        owned: impl Fn() -> O,
    ) {
        self.case("as_ndarray_view_zero_copy", || (), |()| view());
        self.case(
            "autodiff_as_ndarray_view_zero_copy",
            || (),
            |()| autodiff_view(),
        );
        self.case("as_ndarray_view_to_owned", || (), |()| owned());
    }
}

/// The f32 values of every f32 source: `n` of them.
fn f32_values(n: usize) -> Vec<f32> {
    (0..n).map(|i| (i % 1000) as f32 * 0.25 - 100.0).collect()
}

/// As many i64 values as the f32 cases have (the source is twice the bytes).
fn i64_values(n: usize) -> Vec<i64> {
    (0..n).map(|i| i as i64 - 5000).collect()
}

/// Burn 0.21: the common and Autodiff cases on backend `B`.
#[cfg(feature = "burn-0-21")]
#[path = "convert/line_0_21.rs"]
mod line_0_21;

/// Burn 0.22: the common and Autodiff cases on `device`.
#[cfg(feature = "burn-0-22")]
#[path = "convert/line_0_22.rs"]
mod line_0_22;

/// Peak memory: each case converts one 1 GiB f32 tensor in a child process run under
/// `/usr/bin/time -v`, which reports the child's max RSS.
mod peak {
    use super::*;

    pub const CASES: [&str; 4] = [
        "to_ndarray_shared",
        "into_ndarray_unique",
        "cast_f32_f16",
        "cast_f32_f64",
    ];

    /// Converts `t` (1 GiB of f32) by `case`, then reports the output's size and returns.
    pub fn child<T: ToNdarray<1>>(t: T, case: &str) {
        let out_bytes = match case {
            "to_ndarray_shared" => t.to_ndarray::<f32>().expect("to").len() * 4,
            "into_ndarray_unique" => t.into_ndarray::<f32>().expect("into").len() * 4,
            "cast_f32_f16" => {
                t.to_ndarray_with::<f16>(Casting::Unsafe)
                    .expect("cast")
                    .len()
                    * 2
            }
            "cast_f32_f64" => {
                t.to_ndarray_with::<f64>(Casting::Unsafe)
                    .expect("cast")
                    .len()
                    * 8
            }
            other => panic!("unknown peak case {other}"),
        };
        eprintln!("PEAK_OUT {out_bytes}");
    }

    /// Runs each peak case on `backend` in a child under `/usr/bin/time -v` and reports its
    /// max RSS.
    pub fn all(backend: &str) {
        let exe = std::env::current_exe().expect("exe");
        for case in CASES {
            let out = std::process::Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&exe)
                .args(["--peak-child", case, "--only", backend])
                .output()
                .expect("run /usr/bin/time (Debian package `time`)");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let field = |prefix: &str| {
                stderr
                    .lines()
                    .find_map(|l| l.trim().strip_prefix(prefix))
                    .and_then(|v| v.trim().parse::<usize>().ok())
            };
            let rss_kb = field("Maximum resident set size (kbytes):").expect("max RSS");
            let out_bytes = field("PEAK_OUT").expect("child output size");
            // A unique tensor's buffer becomes the array: the output is the input.
            let output = if case == "into_ndarray_unique" {
                0
            } else {
                out_bytes
            };
            println!("PEAK {case} {} {output} {}", 1usize << 30, rss_kb * 1024);
        }
    }
}

/// Burn 0.21 burn-ndarray: the zero-copy paths of burn-nd-ndarray and casts from a huge-page
/// source.
#[cfg(feature = "ndarray-0-21")]
#[path = "convert/on_ndarray.rs"]
mod on_ndarray;

/// Burn 0.21 burn-tch (libtorch, CPU): burn-nd-tch's borrowed view and its one-copy write path.
#[cfg(feature = "tch-0-21")]
#[path = "convert/on_tch.rs"]
mod on_tch;

/// Burn 0.22 burn-flex: its zero-copy view and casts from a huge-page source.
/// Burn 0.22 burn-ndarray (deprecated there): the direct reads and burn-nd-ndarray's sharing.
#[cfg(feature = "ndarray-0-22")]
#[allow(deprecated)]
#[path = "convert/on_ndarray_0_22.rs"]
mod on_ndarray_0_22;

#[cfg(feature = "flex-0-22")]
#[path = "convert/on_flex.rs"]
mod on_flex;

/// One backend's cases at one size.
type Run = fn(&Bencher);

/// One peak-memory case (by name) on one backend, in a child process.
type PeakChild = fn(&str);

/// The backends of this build, each `(name, run at one size)`; `name` prefixes its cases
/// (the feature that builds it is `<name>-<line>`).
// Each push is behind its backend's feature, so some builds push right after creating.
#[allow(clippy::vec_init_then_push)]
fn backends() -> Vec<(&'static str, Run)> {
    #[allow(unused_mut)] // a build with no backend feature measures nothing
    let mut list: Vec<(&'static str, Run)> = Vec::new();
    #[cfg(feature = "ndarray-0-21")]
    list.push(("ndarray", on_ndarray::run));
    #[cfg(feature = "tch-0-21")]
    list.push(("tch", on_tch::run));
    // burn-wgpu (a GPU, or lavapipe on the CPU): every read is a device → host transfer.
    #[cfg(feature = "wgpu-0-21")]
    list.push(("wgpu", |b| {
        line_0_21::run::<burn_wgpu::Wgpu>(b, &burn_wgpu::WgpuDevice::default())
    }));
    #[cfg(feature = "flex-0-22")]
    list.push(("flex", on_flex::run));
    // Burn 0.22 on burn-ndarray and libtorch (both deprecated there): the direct reads.
    #[cfg(feature = "ndarray-0-22")]
    list.push(("ndarray-0-22", on_ndarray_0_22::run));
    #[cfg(feature = "tch-0-22")]
    #[allow(deprecated)]
    list.push(("tch-0-22", |b| {
        line_0_22::run(b, &burn::tensor::Device::libtorch())
    }));
    #[cfg(feature = "wgpu-0-22")]
    list.push(("wgpu-0-22", |b| {
        line_0_22::run(
            b,
            &burn::tensor::Device::wgpu(burn::tensor::DeviceKind::DefaultDevice),
        )
    }));
    list
}

/// The backends the peak-memory and cast-round runs can measure, each line's embedded CPU
/// backend: burn-ndarray on 0.21, burn-flex on 0.22. `--peak` and `--casts-only` take the
/// one `--only` names, else the first.
fn cpu_backends() -> Vec<(&'static str, Run, PeakChild)> {
    #[allow(unused_mut)] // a build with neither feature has none
    let mut list: Vec<(&'static str, Run, PeakChild)> = Vec::new();
    #[cfg(feature = "ndarray-0-21")]
    list.push(("ndarray", on_ndarray::run, |case| {
        peak::child(on_ndarray::f32_gib(), case)
    }));
    #[cfg(feature = "flex-0-22")]
    list.push(("flex", on_flex::run, |case| {
        peak::child(on_flex::f32_gib(), case)
    }));
    list
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .map(|i| args[i + 1].clone());
    let cpu = || {
        cpu_backends()
            .into_iter()
            .find(|(name, _, _)| only.as_deref().is_none_or(|o| o == *name))
            .expect("--peak and --casts-only need feature ndarray or flex")
    };
    if let Some(i) = args.iter().position(|a| a == "--peak-child") {
        let (_, _, child) = cpu();
        child(&args[i + 1]);
        return;
    }
    if flag("--peak") {
        peak::all(cpu().0);
        return;
    }
    if flag("--casts-only") {
        let (backend, run, _) = cpu();
        CASTS_ONLY.store(true, Ordering::Relaxed);
        run(&Bencher {
            backend,
            bytes: 64 << 20,
        });
        return;
    }
    let quick = flag("--quick");
    let max_bytes = match args.iter().position(|a| a == "--max-bytes") {
        Some(i) => args[i + 1]
            .parse()
            .expect("--max-bytes takes a number of bytes"),
        None => usize::MAX,
    };
    for bytes in SIZES {
        if bytes > max_bytes || (quick && bytes > 1 << 20) {
            continue;
        }
        for (backend, run) in backends() {
            if only.as_deref().is_none_or(|o| o == backend) {
                run(&Bencher { backend, bytes });
            }
        }
    }
}
