use super::line_0_21::{f32_tensor, i64_tensor};
use super::*;
use burn021::tensor::Tensor;
use burn_ndarray::{NdArray, NdArrayDevice};

pub fn f32_gib() -> Tensor<NdArray, 1> {
    f32_tensor::<NdArray>((1usize << 30) / 4, &NdArrayDevice::Cpu)
}

pub fn run(b: &Bencher) {
    let device = NdArrayDevice::Cpu;
    super::line_0_21::run::<NdArray>(b, &device);
    let n = b.bytes / 4;
    let t = f32_tensor::<NdArray>(n, &device);
    type Ad = burn_autodiff::Autodiff<NdArray>;
    b.shares(&t, || {
        Tensor::<Ad, 1>::from_inner(t.clone())
            .require_grad()
            .mul_scalar(1.0)
    });
    b.casts_from_huge_pages(
        t,
        i64_tensor::<NdArray>(n, &device),
        |a| Tensor::from_ndarray(a, &device).expect("from"),
        |a| Tensor::from_ndarray(a, &device).expect("from"),
    );
}
