use super::line_0_22::f32_tensor;
use super::*;
use burn::tensor::Device;

pub fn run(b: &Bencher) {
    let device = Device::ndarray();
    super::line_0_22::run(b, &device);
    let t = f32_tensor(b.bytes / 4, &device);
    b.shares(&t, || t.clone().autodiff().require_grad().mul_scalar(1.0));
}
