// What only an `Autodiff` backend has: gradients.

use burn_nd::ndarray::{array, Array1, Array2};
use burn_nd::prelude::*;

use burn_nd_conformance::Expect;


/// Gradients of an `Autodiff` tensor convert like any tensor of the inner backend.
pub fn gradients(device: &TestDevice, _: &Expect) {
    let x = array![[1.0f32, -2.0], [3.0, 0.5]];
    let t = TestTensor::<2>::from_ndarray(&x, device)
        .expect("x")
        .require_grad();
    let y = (t.clone() * t.clone() * 3.0).sum();
    let value: Array1<f64> = y.to_ndarray().expect("y");
    assert_eq!(value[0], x.mapv(|v| 3.0 * f64::from(v * v)).sum());
    let grads = y.backward();
    let grad = t.grad(&grads).expect("grad");
    let g: Array2<f32> = grad.into_ndarray().expect("grad to ndarray");
    assert_eq!(g, x.mapv(|v| 6.0 * v));
    let back: Array2<f32> = t.detach().into_ndarray().expect("x back");
    assert_eq!(back, x);
}
