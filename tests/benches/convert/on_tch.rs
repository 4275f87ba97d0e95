use super::line_0_21::f32_tensor;
use super::*;
use burn021::tensor::Tensor;
use burn_nd_tch::{AsNdarrayView, FromNdarrayTch};
use burn_tch::{LibTorch, LibTorchDevice};

pub fn run(b: &Bencher) {
    let device = LibTorchDevice::Cpu;
    super::line_0_21::run::<LibTorch>(b, &device);
    let t = f32_tensor::<LibTorch>(b.bytes / 4, &device);
    let ad = Tensor::<burn_autodiff::Autodiff<LibTorch>, 1>::from_inner(t.clone())
        .require_grad()
        .mul_scalar(1.0);
    // SAFETY (both unchecked views): no op runs on `t` or `ad` while a view is alive.
    b.views(
        || unsafe { t.as_ndarray_view_unchecked::<f32>() }.expect("view"),
        || unsafe { ad.as_ndarray_view_unchecked::<f32>() }.expect("view"),
        || {
            unsafe { t.as_ndarray_view_unchecked::<f32>() }
                .expect("view")
                .view()
                .to_owned()
        },
    );
    b.case(
        "as_ndarray_view_safe_copy",
        || (),
        |()| t.as_ndarray_view::<f32>().expect("view"),
    );
    drop(ad);
    let array = t.to_ndarray::<f32>().expect("to");
    b.case(
        "from_ndarray_tch",
        || (),
        |()| Tensor::<LibTorch, 1>::from_ndarray_tch(&array, &device).expect("from"),
    );
}
