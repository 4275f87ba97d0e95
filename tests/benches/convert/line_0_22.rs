use super::*;
use burn::tensor::{Device, Int, Tensor, TensorData};

pub fn f32_tensor(n: usize, device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(f32_values(n), [n]), device)
}

pub fn i64_tensor(n: usize, device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(i64_values(n), [n]), device)
}

pub fn run(b: &Bencher, device: &Device) {
    let n = b.bytes / 4;
    let ad = device.clone().autodiff();
    b.common(
        &f32_tensor(n, device),
        || f32_tensor(n, device),
        &i64_tensor(n, device),
        |t| {
            let data = t.to_data();
            let shape = data.shape().to_vec();
            ArrayD::from_shape_vec(IxDyn(&shape), data.try_into_vec::<f32>().expect("vec"))
                .expect("shape")
        },
        |a| Tensor::<1>::from_ndarray(a, device).expect("from"),
    );
    b.autodiff(
        || f32_tensor(n, device).mul_scalar(1.0),
        || f32_tensor(n, &ad).require_grad().mul_scalar(1.0),
    );
}
