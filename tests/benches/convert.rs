//! Conversion benchmarks beside the limit (one memcpy) and naive Burn code, on every backend
//! this crate is built with. `cargo xtask bench` runs it once per backend, with NumPy and
//! PyTorch beside it (`convert.py`), and writes BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p burn-nd-conformance --bench convert                 # burn-ndarray
//! cargo bench -p burn-nd-conformance --bench convert --no-default-features --features tch
//! cargo bench -p burn-nd-conformance --bench convert --no-default-features --features wgpu
//!     ... -- --quick   # 1 KiB and 1 MiB only
//!     ... -- --max-bytes 67108864   # sizes up to 64 MiB (lavapipe cannot hold 1 GiB)
//!     ... -- --peak    # peak RSS of 1 GiB conversions (burn-ndarray)
//!     ... -- --casts-only   # the cast cases alone, at 64 MiB (burn-ndarray)
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

use burn::tensor::backend::Backend;
use burn::tensor::{BasicOps, Int, Tensor, TensorData};
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
    /// burn-nd, casts.
    fn common<B: Backend>(&self, device: &B::Device) {
        self.floors();
        let n = self.bytes / 4;
        let t = f32_tensor::<B>(n, device);
        // What a `&self` read pays before it reads anything: a handle clone, dropped after.
        self.case("tensor_clone", || (), |()| drop(t.clone()));
        // Naive user code on a shared tensor (a clone is alive, as with any `&self` read).
        self.case(
            "naive_to_data",
            || (),
            |()| {
                let data = t.to_data();
                let shape = data.shape.to_vec();
                ArrayD::from_shape_vec(IxDyn(&shape), data.to_vec::<f32>().expect("vec"))
                    .expect("shape")
            },
        );
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
        self.case(
            "into_ndarray_unique",
            || f32_tensor::<B>(n, device),
            |u| u.into_ndarray::<f32>().expect("into"),
        );
        // The same read as `to_ndarray_shared`, into one array reused by every call.
        let mut reused = Array1::<f32>::zeros(n);
        self.case(
            "read_into_reused",
            || (),
            |()| t.read_into(&mut reused).expect("read_into"),
        );
        drop(reused);
        let array = t.to_ndarray::<f32>().expect("to");
        self.case(
            "from_ndarray",
            || (),
            |()| Tensor::<B, 1>::from_ndarray(&array, device).expect("from"),
        );
        drop(array);
        self.cast::<_, _, i32>("cast_f32_i32", &t);
        self.cast::<_, _, f16>("cast_f32_f16", &t);
        self.cast::<_, _, bf16>("cast_f32_bf16", &t);
        self.cast::<_, _, f64>("cast_f32_f64", &t);
        self.cast::<_, _, i32>("cast_i64_i32", &i64_tensor::<B>(n, device));
    }

    /// The reads a training loop makes, on `Autodiff<B>`: the tensor is the output of a Burn op
    /// on a tensor that requires gradients, shared with a clone. Each is also paired with the
    /// same read of a plain `B` tensor made by the same op, for the Autodiff targets.
    fn autodiff<B: Backend>(&self, device: &B::Device) {
        type Ad<B> = burn_autodiff::Autodiff<B>;
        let n = self.bytes / 4;
        let made = || f32_tensor::<B>(n, device).mul_scalar(1.0);
        let made_ad = || {
            Tensor::<Ad<B>, 1>::from_inner(f32_tensor::<B>(n, device))
                .require_grad()
                .mul_scalar(1.0)
        };
        let t = made_ad();
        let plain = made();
        self.case(
            "autodiff_to_ndarray_shared",
            || (),
            |()| t.to_ndarray::<f32>().expect("to"),
        );
        self.case("autodiff_into_ndarray_unique", made_ad, |u| {
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
            made_ad,
            |u| u.into_ndarray::<f32>().expect("into"),
            "into_ndarray_unique",
            made,
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

    fn cast<B, K, E>(&self, case: &str, t: &Tensor<B, 1, K>)
    where
        B: Backend,
        K: BasicOps<B>,
        K::Primitive: 'static,
        E: NdElement,
    {
        self.case(
            case,
            || (),
            |()| t.to_ndarray_with::<E>(Casting::Unsafe).expect("cast"),
        );
    }
}

fn f32_tensor<B: Backend>(n: usize, device: &B::Device) -> Tensor<B, 1> {
    let values: Vec<f32> = (0..n).map(|i| (i % 1000) as f32 * 0.25 - 100.0).collect();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

/// As many i64 elements as the f32 cases have (the source is twice the bytes).
fn i64_tensor<B: Backend>(n: usize, device: &B::Device) -> Tensor<B, 1, Int> {
    let values: Vec<i64> = (0..n).map(|i| i as i64 - 5000).collect();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

/// burn-ndarray: the zero-copy paths of burn-nd-ndarray, casts from a huge-page source, and
/// the peak-memory runs.
#[cfg(feature = "ndarray")]
mod on_ndarray {
    use super::*;
    use burn_nd_ndarray::ShareNdarray;
    use burn_ndarray::{NdArray, NdArrayDevice};

    /// `t` rebuilt by burn-nd's `from_ndarray`, whose buffer lies in huge pages from 4 MiB
    /// on, as a NumPy array's does; Burn's `from_data(Vec)` keeps the Vec's 4 KiB pages, and
    /// reading those costs more page walks. `E` is `t`'s element type.
    fn in_huge_pages<K, E>(t: Tensor<NdArray, 1, K>) -> Tensor<NdArray, 1, K>
    where
        K: BasicOps<NdArray>,
        K::Primitive: 'static,
        E: NdElement,
    {
        let array = t.into_ndarray_dyn::<E>().expect("to");
        Tensor::from_ndarray(&array, &NdArrayDevice::Cpu).expect("from")
    }

    pub fn run(bytes: usize) {
        let b = Bencher {
            backend: "ndarray",
            bytes,
        };
        let device = NdArrayDevice::Cpu;
        b.common::<NdArray>(&device);
        b.autodiff::<NdArray>(&device);
        let n = bytes / 4;
        let t = f32_tensor::<NdArray>(n, &device);
        b.case(
            "into_arcarray_zero_copy",
            || t.clone(),
            |u| u.into_arcarray::<f32>().expect("arc"),
        );
        let arc = t.to_arcarray::<f32>().expect("arc");
        b.case(
            "from_arcarray_zero_copy",
            || arc.clone(),
            |a| Tensor::<NdArray, 1>::from_arcarray(a).expect("from"),
        );
        drop(arc);
        type Ad = burn_autodiff::Autodiff<NdArray>;
        b.case(
            "autodiff_into_arcarray_zero_copy",
            || {
                Tensor::<Ad, 1>::from_inner(t.clone())
                    .require_grad()
                    .mul_scalar(1.0)
            },
            |u| u.into_arcarray::<f32>().expect("arc"),
        );
        let t = in_huge_pages::<_, f32>(t);
        b.cast::<_, _, i32>("cast_f32_i32_hp", &t);
        b.cast::<_, _, f64>("cast_f32_f64_hp", &t);
        drop(t);
        let ti = in_huge_pages::<_, i64>(i64_tensor::<NdArray>(n, &device));
        b.cast::<_, _, i32>("cast_i64_i32_hp", &ti);
    }

    /// Converts one 1 GiB f32 tensor by `case`, then exits: run under `/usr/bin/time -v`.
    pub fn peak_child(case: &str) {
        let n = (1usize << 30) / 4;
        let t = f32_tensor::<NdArray>(n, &NdArrayDevice::Cpu);
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

    /// Runs each peak case in a child under `/usr/bin/time -v` and reports its max RSS.
    pub fn peak_all() {
        let exe = std::env::current_exe().expect("exe");
        for case in [
            "to_ndarray_shared",
            "into_ndarray_unique",
            "cast_f32_f16",
            "cast_f32_f64",
        ] {
            let out = std::process::Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&exe)
                .args(["--peak-child", case])
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

/// burn-tch (libtorch, CPU): burn-nd-tch's borrowed view and its one-copy write path.
#[cfg(feature = "tch")]
mod on_tch {
    use super::*;
    use burn_nd_tch::{AsNdarrayView, FromNdarrayTch};
    use burn_tch::{LibTorch, LibTorchDevice};

    pub fn run(bytes: usize) {
        let b = Bencher {
            backend: "tch",
            bytes,
        };
        let device = LibTorchDevice::Cpu;
        b.common::<LibTorch>(&device);
        b.autodiff::<LibTorch>(&device);
        let t = f32_tensor::<LibTorch>(bytes / 4, &device);
        b.case(
            "as_ndarray_view_zero_copy",
            || (),
            |()| t.as_ndarray_view::<f32>().expect("view"),
        );
        let ad = Tensor::<burn_autodiff::Autodiff<LibTorch>, 1>::from_inner(t.clone())
            .require_grad()
            .mul_scalar(1.0);
        b.case(
            "autodiff_as_ndarray_view_zero_copy",
            || (),
            |()| ad.as_ndarray_view::<f32>().expect("view"),
        );
        drop(ad);
        // The same view copied by ndarray's `to_owned`, beside `to_ndarray`'s own one-copy read.
        b.case(
            "as_ndarray_view_to_owned",
            || (),
            |()| t.as_ndarray_view::<f32>().expect("view").view().to_owned(),
        );
        let array = t.to_ndarray::<f32>().expect("to");
        b.case(
            "from_ndarray_tch",
            || (),
            |()| Tensor::<LibTorch, 1>::from_ndarray_tch(&array, &device).expect("from"),
        );
    }
}

/// burn-wgpu (a GPU, or lavapipe on the CPU): every read is a device → host transfer.
#[cfg(feature = "wgpu")]
mod on_wgpu {
    use super::*;
    use burn_wgpu::{Wgpu, WgpuDevice};

    pub fn run(bytes: usize) {
        let b = Bencher {
            backend: "wgpu",
            bytes,
        };
        b.common::<Wgpu>(&WgpuDevice::default());
        b.autodiff::<Wgpu>(&WgpuDevice::default());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(feature = "ndarray")]
    {
        if let Some(i) = args.iter().position(|a| a == "--peak-child") {
            on_ndarray::peak_child(&args[i + 1]);
            return;
        }
        if args.iter().any(|a| a == "--peak") {
            on_ndarray::peak_all();
            return;
        }
    }
    #[cfg(feature = "ndarray")]
    if args.iter().any(|a| a == "--casts-only") {
        CASTS_ONLY.store(true, Ordering::Relaxed);
        on_ndarray::run(64 << 20);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
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
        #[cfg(feature = "ndarray")]
        on_ndarray::run(bytes);
        #[cfg(feature = "tch")]
        on_tch::run(bytes);
        #[cfg(feature = "wgpu")]
        on_wgpu::run(bytes);
    }
}
