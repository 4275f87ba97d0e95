// Tensor layouts out (permuted, sliced, flipped), ndarray layouts in, and `read_into` a
// caller's array of any layout.

use burn::tensor::{s, Bool, Int};
use burn_nd::ndarray::{self, Array, Array1, Array3, ArrayD, IxDyn, ShapeBuilder};
use burn_nd::prelude::*;

use burn_nd_conformance::Expect;


fn cube() -> Array3<f32> {
    Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f32)
}

/// Permuted, sliced, stepped and flipped tensors read back in logical order.
pub fn layouts(device: &TestDevice, _: &Expect) {
    let a = cube();
    let t = TestTensor::<3>::from_ndarray(&a, device).expect("from");

    let permuted: Array3<f32> = t.clone().permute([2, 0, 1]).to_ndarray().expect("permute");
    assert_eq!(permuted, a.view().permuted_axes([2, 0, 1]));

    let transposed: Array3<f32> = t.clone().swap_dims(0, 2).into_ndarray().expect("swap");
    assert_eq!(transposed, a.view().permuted_axes([2, 1, 0]));

    let sliced: Array3<f32> = t
        .clone()
        .slice(s![0..2, 1..3, ..;2])
        .to_ndarray()
        .expect("slice");
    assert_eq!(sliced, a.slice(ndarray::s![0..2, 1..3, ..;2]));

    let flipped: Array3<f32> = t.clone().flip([1, 2]).to_ndarray().expect("flip");
    assert_eq!(flipped, a.slice(ndarray::s![.., ..;-1, ..;-1]));

    let mixed = t.permute([1, 0, 2]).flip([0]).slice(s![1.., .., 1..3]);
    let mixed: Array3<i32> = mixed.into_ndarray_with(Casting::Exact).expect("mixed");
    let expected = a.view().permuted_axes([1, 0, 2]);
    let expected = expected.slice(ndarray::s![..;-1, .., ..]);
    let expected = expected
        .slice(ndarray::s![1.., .., 1..3])
        .mapv(|x| x as i32);
    assert_eq!(mixed, expected);
}

/// `read_into` writes into an array the caller owns, in any layout (C order, Fortran order, a
/// stepped and reversed slice of a bigger array, dynamic rank), with casts, from Float, Int
/// and Bool tensors; on every error the destination is untouched.
pub fn read_into(device: &TestDevice, _: &Expect) {
    let a = cube();
    let t = TestTensor::<3>::from_ndarray(&a, device).expect("from");
    let _shared = t.clone();

    let mut c = Array3::<f32>::zeros(a.raw_dim());
    t.read_into(&mut c).expect("C order");
    assert_eq!(c, a);
    let mut f = Array3::<f32>::zeros(a.raw_dim().f());
    t.read_into(&mut f).expect("Fortran order");
    assert_eq!(f, a);
    let mut big = Array3::<f32>::from_elem((4, 3, 8), -7.0);
    t.read_into(&mut big.slice_mut(ndarray::s![..;2, ..;-1, 1..;2]))
        .expect("strided");
    assert_eq!(big.slice(ndarray::s![..;2, ..;-1, 1..;2]), a);
    assert!(big
        .slice(ndarray::s![1..;2, .., ..])
        .iter()
        .all(|&x| x == -7.0));
    assert!(big
        .slice(ndarray::s![.., .., ..;2])
        .iter()
        .all(|&x| x == -7.0));

    // A permuted tensor into a dynamic-rank array, widened (f32 -> f64 is safe).
    let mut d = ArrayD::<f64>::zeros(IxDyn(&[4, 2, 3]));
    t.clone().permute([2, 0, 1]).read_into(&mut d).expect("dyn");
    assert_eq!(
        d,
        a.view().permuted_axes([2, 0, 1]).mapv(f64::from).into_dyn()
    );
    let mut i = Array3::<i32>::zeros(a.raw_dim());
    t.read_into_with(&mut i, Casting::Unsafe)
        .expect("unsafe cast");
    assert_eq!(i, a.mapv(|x| x as i32));

    // Errors leave the destination as it was.
    let mut wrong = Array3::<f32>::from_elem((3, 2, 4), 1.5);
    let err = t.read_into(&mut wrong).expect_err("shape");
    assert_eq!(
        err.to_string(),
        "shape mismatch: expected [2, 3, 4], found [3, 2, 4]"
    );
    assert!(wrong.iter().all(|&x| x == 1.5));
    let mut ints = Array3::<i32>::from_elem(a.raw_dim(), 9);
    let err = t.read_into(&mut ints).expect_err("cast");
    assert!(matches!(err, burn_nd::Error::Casting { .. }), "{err}");
    assert!(ints.iter().all(|&x| x == 9));
    let halves = TestTensor::<1>::from_floats([1.0, 2.0, 2.5], device);
    let mut exact = Array1::<i32>::from_elem(3, 9);
    let err = halves
        .read_into_with(&mut exact, Casting::Exact)
        .expect_err("exact");
    assert!(matches!(err, burn_nd::Error::Inexact { .. }), "{err}");
    assert_eq!(exact.to_vec(), vec![9, 9, 9]);

    // Int and Bool tensors.
    let ti = TestTensor::<1, Int>::from_ints([3, -1, 4], device);
    let mut oi = Array1::<i64>::zeros(3);
    ti.read_into(&mut oi).expect("int");
    assert_eq!(oi.to_vec(), vec![3, -1, 4]);
    let tb = TestTensor::<1, Bool>::from_bool(burn::tensor::TensorData::from([true, false, true]), device);
    let mut ob = Array1::<bool>::from_elem(3, false);
    tb.read_into(&mut ob).expect("bool");
    assert_eq!(ob.to_vec(), vec![true, false, true]);
}

/// Any ndarray layout in: owned, views, shared, copy-on-write, Fortran order, negative strides
/// and stepped slices all arrive in logical order.
pub fn views_in(device: &TestDevice, _: &Expect) {
    let a = cube();
    let check = |view: ndarray::ArrayView3<f32>, what: &str| {
        let t = TestTensor::<3>::from_ndarray(&view, device).expect(what);
        let back: Array3<f32> = t.into_ndarray().expect(what);
        assert_eq!(back, view, "{what}");
    };
    check(a.view(), "c order");
    check(a.t(), "reversed axes");
    check(a.slice(ndarray::s![..;-1, .., ..;-2]), "negative strides");
    check(a.slice(ndarray::s![.., 1..;2, 1..]), "stepped");
    check(a.view().permuted_axes([1, 2, 0]), "permuted");

    let fortran = Array::from_shape_vec((2, 3).f(), vec![1u16, 2, 3, 4, 5, 6]).expect("f");
    let t = TestTensor::<2>::from_ndarray(&fortran, device).expect("fortran");
    assert_eq!(
        t.into_ndarray::<f32>().expect("back"),
        fortran.mapv(f32::from)
    );

    let shared = a.clone().into_shared();
    let t = TestTensor::<3, Int>::from_ndarray(&shared, device).expect("arc");
    let back: Array3<i64> = t.into_ndarray().expect("back");
    assert_eq!(back, a.mapv(|x| x as i64));

    let cow = a.as_standard_layout();
    let t = TestTensor::<3>::from_ndarray(&cow, device).expect("cow");
    assert_eq!(t.into_ndarray::<f32>().expect("back"), a);
}
