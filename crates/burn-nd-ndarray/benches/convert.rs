//! Conversion benchmarks on burn-ndarray beside the limit (one memcpy) and naive Burn code.
//! `cargo xtask bench` runs this with NumPy / PyTorch beside it and writes BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p burn-nd-ndarray --bench convert            # every case, every size
//! cargo bench -p burn-nd-ndarray --bench convert -- --quick # 1 KiB and 1 MiB only
//! cargo bench -p burn-nd-ndarray --bench convert -- --peak  # peak RSS of 1 GiB conversions
//! ```
//!
//! Sizes are of an f32 source (`bytes / 4` elements in every case, i64 → i32 included).
//! Output lines: `RESULT <case> <f32 bytes> <median ns> <reps>` and
//! `PEAK <case> <input bytes> <output bytes> <max RSS bytes>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use burn::tensor::{BasicOps, Int, Tensor, TensorData};
use burn_nd::half::{bf16, f16};
use burn_nd::ndarray::{ArrayD, IxDyn};
use burn_nd::{Casting, FromNdarray, NdElement, ToNdarray};
use burn_nd_ndarray::ShareNdarray;
use burn_ndarray::{NdArray, NdArrayDevice};

const SIZES: [usize; 4] = [1 << 10, 1 << 20, 64 << 20, 1 << 30];

fn reps(bytes: usize) -> usize {
    match bytes {
        b if b <= 1 << 10 => 2000,
        b if b <= 1 << 20 => 200,
        b if b <= 64 << 20 => 31,
        _ => 5,
    }
}

/// Median wall time of `run` over `reps` calls, each with a fresh input from `setup`
/// (untimed); the output is dropped outside the timed region too.
fn bench<I, O>(reps: usize, mut setup: impl FnMut() -> I, mut run: impl FnMut(I) -> O) -> Duration {
    let mut times = Vec::with_capacity(reps);
    drop(black_box(run(setup()))); // warm-up
    for _ in 0..reps {
        let input = setup();
        let start = Instant::now();
        let out = black_box(run(black_box(input)));
        times.push(start.elapsed());
        drop(out);
    }
    times.sort();
    times[times.len() / 2]
}

fn report(case: &str, bytes: usize, reps: usize, t: Duration) {
    println!("RESULT {case} {bytes} {} {reps}", t.as_nanos());
}

fn f32_tensor(n: usize, device: &NdArrayDevice) -> Tensor<NdArray, 1> {
    let values: Vec<f32> = (0..n).map(|i| (i % 1000) as f32 * 0.25 - 100.0).collect();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

fn cast_case<K, E>(name: &str, t: &Tensor<NdArray, 1, K>, bytes: usize)
where
    K: BasicOps<NdArray>,
    K::Primitive: 'static,
    E: NdElement,
{
    let r = reps(bytes);
    let time = bench(
        r,
        || (),
        |()| t.to_ndarray_dyn_with::<E>(Casting::Unsafe).expect("cast"),
    );
    report(name, bytes, r, time);
}

/// `t` rebuilt by burn-nd's `from_ndarray`, whose buffer lies in huge pages from 4 MiB on, as
/// a NumPy array's does; Burn's `from_data(Vec)` keeps the Vec's 4 KiB pages, and reading
/// those costs more page walks. `E` is `t`'s element type.
fn in_huge_pages<K, E>(t: Tensor<NdArray, 1, K>, device: &NdArrayDevice) -> Tensor<NdArray, 1, K>
where
    K: BasicOps<NdArray>,
    K::Primitive: 'static,
    E: NdElement,
{
    let array = t.into_ndarray_dyn::<E>().expect("to");
    Tensor::from_ndarray(&array, device).expect("from")
}

fn run_size(bytes: usize, device: &NdArrayDevice) {
    let n = bytes / 4;
    let r = reps(bytes);
    let src: Vec<f32> = (0..n).map(|i| i as f32).collect();
    report("memcpy", bytes, r, bench(r, || (), |()| src.to_vec()));
    // The floor for any conversion that returns an `ArrayD`: the memcpy plus ndarray's own
    // construction of the array around it.
    let time = bench(
        r,
        || (),
        |()| ArrayD::from_shape_vec(IxDyn(&[n]), src.to_vec()).expect("shape"),
    );
    report("memcpy_arrayd", bytes, r, time);
    drop(src);

    let t = f32_tensor(n, device);
    // Naive user code on a shared tensor (a clone is alive, as with any `&self` read).
    let time = bench(
        r,
        || (),
        |()| {
            let data = t.to_data();
            let shape = data.shape.to_vec();
            ArrayD::from_shape_vec(IxDyn(&shape), data.to_vec::<f32>().expect("vec"))
                .expect("shape")
        },
    );
    report("naive_to_data", bytes, r, time);
    report(
        "to_ndarray_shared",
        bytes,
        r,
        bench(r, || (), |()| t.to_ndarray_dyn::<f32>().expect("to")),
    );
    report(
        "into_ndarray_unique",
        bytes,
        r,
        bench(
            r,
            || f32_tensor(n, device),
            |u| u.into_ndarray_dyn::<f32>().expect("into"),
        ),
    );
    report(
        "into_arcarray_zero_copy",
        bytes,
        r,
        bench(r, || t.clone(), |u| u.into_arcarray::<f32>().expect("arc")),
    );
    let arc = t.to_arcarray::<f32>().expect("arc");
    report(
        "from_arcarray_zero_copy",
        bytes,
        r,
        bench(
            r,
            || arc.clone(),
            |a| Tensor::<NdArray, 1>::from_arcarray(a).expect("from"),
        ),
    );
    let array = arc.to_owned();
    drop(arc);
    report(
        "from_ndarray",
        bytes,
        r,
        bench(
            r,
            || (),
            |()| Tensor::<NdArray, 1>::from_ndarray(&array, device).expect("from"),
        ),
    );
    drop(array);

    cast_case::<_, i32>("cast_f32_i32", &t, bytes);
    cast_case::<_, f16>("cast_f32_f16", &t, bytes);
    cast_case::<_, bf16>("cast_f32_bf16", &t, bytes);
    cast_case::<_, f64>("cast_f32_f64", &t, bytes);
    let t = in_huge_pages::<_, f32>(t, device);
    cast_case::<_, i32>("cast_f32_i32_hp", &t, bytes);
    cast_case::<_, f64>("cast_f32_f64_hp", &t, bytes);
    drop(t);

    // i64 → i32 over as many elements as the f32 cases (the i64 source is twice the bytes).
    let ints: Vec<i64> = (0..n).map(|i| i as i64 - 5000).collect();
    let len = ints.len();
    let ti = Tensor::<NdArray, 1, Int>::from_data(TensorData::new(ints, [len]), device);
    cast_case::<_, i32>("cast_i64_i32", &ti, bytes);
    let ti = in_huge_pages::<_, i64>(ti, device);
    cast_case::<_, i32>("cast_i64_i32_hp", &ti, bytes);
}

/// Converts one 1 GiB f32 tensor by `case`, then exits: run under `/usr/bin/time -v`.
fn peak_child(case: &str, device: &NdArrayDevice) {
    let n = (1usize << 30) / 4;
    let t = f32_tensor(n, device);
    let out_bytes = match case {
        "to_ndarray_shared" => t.to_ndarray_dyn::<f32>().expect("to").len() * 4,
        "into_ndarray_unique" => t.into_ndarray_dyn::<f32>().expect("into").len() * 4,
        "cast_f32_f16" => {
            t.to_ndarray_dyn_with::<f16>(Casting::Unsafe)
                .expect("cast")
                .len()
                * 2
        }
        "cast_f32_f64" => {
            t.to_ndarray_dyn_with::<f64>(Casting::Unsafe)
                .expect("cast")
                .len()
                * 8
        }
        other => panic!("unknown peak case {other}"),
    };
    eprintln!("PEAK_OUT {out_bytes}");
}

/// Runs each peak case in a child under `/usr/bin/time -v` and reports its max RSS.
fn peak_all() {
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let device = NdArrayDevice::Cpu;
    if let Some(i) = args.iter().position(|a| a == "--peak-child") {
        peak_child(&args[i + 1], &device);
        return;
    }
    if args.iter().any(|a| a == "--peak") {
        peak_all();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    for bytes in SIZES {
        if quick && bytes > 1 << 20 {
            continue;
        }
        run_size(bytes, &device);
    }
}
