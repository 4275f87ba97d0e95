use super::*;
use burn021::tensor::backend::Backend;
use burn021::tensor::{Int, Tensor, TensorData};

pub fn f32_tensor<B: Backend>(n: usize, device: &B::Device) -> Tensor<B, 1> {
    Tensor::from_data(TensorData::new(f32_values(n), [n]), device)
}

pub fn i64_tensor<B: Backend>(n: usize, device: &B::Device) -> Tensor<B, 1, Int> {
    Tensor::from_data(TensorData::new(i64_values(n), [n]), device)
}

pub fn run<B: Backend>(b: &Bencher, device: &B::Device) {
    type Ad<B> = burn_autodiff::Autodiff<B>;
    let n = b.bytes / 4;
    b.common(
        &f32_tensor::<B>(n, device),
        || f32_tensor::<B>(n, device),
        &i64_tensor::<B>(n, device),
        |t| {
            let data = t.to_data();
            let shape = data.shape.to_vec();
            ArrayD::from_shape_vec(IxDyn(&shape), data.to_vec::<f32>().expect("vec"))
                .expect("shape")
        },
        |a| Tensor::<B, 1>::from_ndarray(a, device).expect("from"),
    );
    b.autodiff(
        || f32_tensor::<B>(n, device).mul_scalar(1.0),
        || {
            Tensor::<Ad<B>, 1>::from_inner(f32_tensor::<B>(n, device))
                .require_grad()
                .mul_scalar(1.0)
        },
    );
}
