// burn-nd-ndarray's `ShareNdarray` on an `Autodiff` burn-ndarray backend of either Burn line:
// what only such a backend has, gradients. `lift` as in `share_ndarray.rs`.

use burn_nd::ndarray::Array2;
use burn_nd_ndarray::ShareNdarray;

use burn_nd_conformance::Expect;

/// On an `Autodiff` backend: a tensor made from an array is a leaf that needs no gradient, the
/// values of a tracked op result are shared, and gradients stay usable.
pub fn share_gradients(_: &TestDevice, _: &Expect) {
    let matrix = Array2::from_shape_fn((4, 3), |(i, j)| (i * 3 + j) as f32);
    let x = lift(TestTensor::<2>::from_array(matrix.clone()).expect("from"));
    assert!(!x.is_require_grad());
    let x = x.require_grad();
    let y = x.clone() * 2.0;
    assert_eq!(
        y.to_arcarray::<f32>().expect("values"),
        matrix.mapv(|v| v * 2.0).into_dyn()
    );
    let grads = y.sum().backward();
    let g = x.grad(&grads).expect("x has a gradient");
    let g = g.into_arcarray::<f32>().expect("grad");
    assert!(g.iter().all(|&v| v == 2.0), "{g:?}");
}
