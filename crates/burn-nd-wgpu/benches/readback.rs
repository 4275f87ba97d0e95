//! Batched and device-narrowed read-back against sequential `to_ndarray` on burn-wgpu
//! (lavapipe where there is no GPU):
//!
//! ```text
//! cargo bench -p burn-nd-wgpu --bench readback
//! ```

use burn021::tensor::{Distribution, Tensor};
use burn_nd::half::f16;
use burn_nd::{Casting, ToNdarray};
use burn_nd_wgpu::{read_batch, NarrowRead};
use burn_wgpu::{Wgpu, WgpuDevice};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn batched(c: &mut Criterion) {
    let device = WgpuDevice::default();
    let mut group = c.benchmark_group("batch");
    group.sample_size(20);
    for count in [4usize, 16] {
        let tensors: Vec<Tensor<Wgpu, 2>> = (0..count)
            .map(|_| Tensor::random([128, 128], Distribution::Default, &device))
            .collect();
        group.bench_with_input(BenchmarkId::new("sequential", count), &tensors, |b, ts| {
            b.iter(|| {
                ts.iter()
                    .map(|t| t.to_ndarray_dyn::<f32>().expect("read"))
                    .collect::<Vec<_>>()
            })
        });
        group.bench_with_input(BenchmarkId::new("transaction", count), &tensors, |b, ts| {
            b.iter(|| read_batch::<f32, _>(ts.iter().cloned(), Casting::Safe).expect("read"))
        });
    }
    group.finish();
}

fn narrowed(c: &mut Criterion) {
    let device = WgpuDevice::default();
    let mut group = c.benchmark_group("f32_to_f16");
    group.sample_size(20);
    for n in [1usize << 16, 1 << 22] {
        let t = Tensor::<Wgpu, 1>::random([n], Distribution::Default, &device);
        group.bench_with_input(BenchmarkId::new("host_cast", n), &t, |b, t| {
            b.iter(|| {
                t.to_ndarray_dyn_with::<f16>(Casting::SameKind)
                    .expect("read")
            })
        });
        group.bench_with_input(BenchmarkId::new("device_cast", n), &t, |b, t| {
            b.iter(|| {
                t.clone()
                    .into_ndarray_narrow::<f16>(Casting::SameKind)
                    .expect("read")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batched, narrowed);
criterion_main!(benches);
