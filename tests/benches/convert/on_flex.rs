use super::line_0_22::{f32_tensor, i64_tensor};
use super::*;
use burn::tensor::{Device, Tensor};
use burn_nd::AsNdarrayView;

pub fn f32_gib() -> Tensor<1> {
    f32_tensor((1usize << 30) / 4, &Device::flex())
}

pub fn run(b: &Bencher) {
    let device = Device::flex();
    super::line_0_22::run(b, &device);
    let n = b.bytes / 4;
    let t = f32_tensor(n, &device);
    let ad = f32_tensor(n, &device.clone().autodiff())
        .require_grad()
        .mul_scalar(1.0);
    b.views(
        || t.as_ndarray_view::<f32>().expect("view"),
        || ad.as_ndarray_view::<f32>().expect("view"),
        || t.as_ndarray_view::<f32>().expect("view").view().to_owned(),
    );
    drop(ad);
    b.casts_from_huge_pages(
        t,
        i64_tensor(n, &device),
        |a| Tensor::from_ndarray(a, &device).expect("from"),
        |a| Tensor::from_ndarray(a, &device).expect("from"),
    );
}
