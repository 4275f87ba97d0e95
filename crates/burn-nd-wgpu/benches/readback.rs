//! The wgpu read-back paths on both Burn lines in one run (lavapipe where there is no GPU):
//! batched against sequential reads, the device-narrowed read against the host cast, and
//! `read_into` (straight from Burn's read-back buffer into the caller's array) against
//! `to_ndarray` (a new array). Each group's case names end in the line, `0.21` or `0.22`.
//!
//! ```text
//! cargo bench -p burn-nd-wgpu --bench readback --features burn-0-21
//! ```

use burn_nd::half::f16;
use burn_nd::ndarray::ArrayD;
use burn_nd::{Casting, ToNdarray};
use burn_nd_wgpu::{read_batch, NarrowRead};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};

/// The tensors each line measures: `count` 128×128 f32 tensors, and a 1-D f32 tensor of `n`.
trait Line {
    /// The line's 2-D and 1-D Float tensor types.
    type T2: ToNdarray<2> + Send + 'static;
    type T1: ToNdarray<1> + NarrowRead + Send + 'static;
    /// Its name in case labels.
    const NAME: &'static str;
    fn matrices(count: usize) -> Vec<Self::T2>;
    fn vector(n: usize) -> Self::T1;
}

/// Burn 0.21: `Tensor<Wgpu, D>` on the default adapter.
struct Burn021;
impl Line for Burn021 {
    type T2 = burn021::tensor::Tensor<burn_wgpu::Wgpu, 2>;
    type T1 = burn021::tensor::Tensor<burn_wgpu::Wgpu, 1>;
    const NAME: &'static str = "0.21";
    fn matrices(count: usize) -> Vec<Self::T2> {
        let device = burn_wgpu::WgpuDevice::default();
        (0..count)
            .map(|_| Self::T2::random([128, 128], burn021::tensor::Distribution::Default, &device))
            .collect()
    }
    fn vector(n: usize) -> Self::T1 {
        let device = burn_wgpu::WgpuDevice::default();
        Self::T1::random([n], burn021::tensor::Distribution::Default, &device)
    }
}

/// Burn 0.22: `Tensor<D>` on `Device::wgpu(DefaultDevice)`.
struct Burn022;
impl Line for Burn022 {
    type T2 = burn::tensor::Tensor<2>;
    type T1 = burn::tensor::Tensor<1>;
    const NAME: &'static str = "0.22";
    fn matrices(count: usize) -> Vec<Self::T2> {
        let device = burn::tensor::Device::wgpu(burn::tensor::DeviceKind::DefaultDevice);
        (0..count)
            .map(|_| Self::T2::random([128, 128], burn::tensor::Distribution::Default, &device))
            .collect()
    }
    fn vector(n: usize) -> Self::T1 {
        let device = burn::tensor::Device::wgpu(burn::tensor::DeviceKind::DefaultDevice);
        Self::T1::random([n], burn::tensor::Distribution::Default, &device)
    }
}

/// `count` tensors read one by one, and in one `read_batch` (one device sync).
fn batched_on<L: Line>(group: &mut BenchmarkGroup<'_, WallTime>, count: usize)
where
    L::T2: burn_nd::ToNdarrayAsync,
{
    let tensors = L::matrices(count);
    let id = |case: &str| BenchmarkId::new(format!("{case}/{}", L::NAME), count);
    group.bench_with_input(id("sequential"), &tensors, |b, ts| {
        b.iter(|| {
            ts.iter()
                .map(|t| t.to_ndarray_dyn::<f32>().expect("read"))
                .collect::<Vec<_>>()
        })
    });
    group.bench_with_input(id("transaction"), &tensors, |b, ts| {
        b.iter(|| read_batch::<f32, _>(ts.iter().cloned(), Casting::Safe).expect("read"))
    });
}

fn batched(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch");
    group.sample_size(20);
    for count in [4usize, 16] {
        batched_on::<Burn021>(&mut group, count);
        batched_on::<Burn022>(&mut group, count);
    }
    group.finish();
}

/// f32 → f16 of `n` elements: cast on the host after the read, or on the device before it.
fn narrowed_on<L: Line>(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    let t = L::vector(n);
    let id = |case: &str| BenchmarkId::new(format!("{case}/{}", L::NAME), n);
    group.bench_with_input(id("host_cast"), &t, |b, t| {
        b.iter(|| {
            t.to_ndarray_dyn_with::<f16>(Casting::SameKind)
                .expect("read")
        })
    });
    group.bench_with_input(id("device_cast"), &t, |b, t| {
        b.iter(|| {
            t.clone()
                .into_ndarray_narrow::<f16>(Casting::SameKind)
                .expect("read")
        })
    });
}

fn narrowed(c: &mut Criterion) {
    let mut group = c.benchmark_group("f32_to_f16");
    group.sample_size(20);
    for n in [1usize << 16, 1 << 22] {
        narrowed_on::<Burn021>(&mut group, n);
        narrowed_on::<Burn022>(&mut group, n);
    }
    group.finish();
}

/// The same-dtype read of `n` f32 elements into a new array (`to_ndarray_dyn`) and into one
/// the caller reuses (`read_into`, straight from the read-back buffer).
fn read_into_on<L: Line>(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    let t = L::vector(n);
    let id = |case: &str| BenchmarkId::new(format!("{case}/{}", L::NAME), n);
    group.bench_with_input(id("to_ndarray"), &t, |b, t| {
        b.iter(|| t.to_ndarray_dyn::<f32>().expect("read"))
    });
    let mut out = ArrayD::<f32>::zeros(vec![n]);
    group.bench_with_input(id("read_into"), &t, |b, t| {
        b.iter(|| t.read_into(&mut out).expect("read"))
    });
}

fn read_into(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_into");
    group.sample_size(20);
    for n in [1usize << 16, 1 << 22] {
        read_into_on::<Burn021>(&mut group, n);
        read_into_on::<Burn022>(&mut group, n);
    }
    group.finish();
}

criterion_group!(benches, batched, narrowed, read_into);
criterion_main!(benches);
