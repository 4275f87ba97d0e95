// burn-nd-ndarray's zero-copy `ShareNdarray`, on burn-ndarray of either Burn line, plain and
// `Autodiff`. `lift` puts a tensor made from an array onto the instantiation's backend (on
// Burn 0.22 `from_arcarray` gives a plain `Device::ndarray()` tensor; `.autodiff()` lifts it).

use burn::tensor::{Bool, Int};
use burn_nd::ndarray::{s, ArcArray, Array2, Array3, IxDyn};
use burn_nd::Error;
use burn_nd_ndarray::ShareNdarray;

use burn_nd_conformance::Expect;


fn matrix() -> Array2<f32> {
    Array2::from_shape_fn((64, 32), |(i, j)| (i * 32 + j) as f32)
}

/// `to_arcarray` and `into_arcarray` hand out the tensor's buffer (by address), for a tensor
/// made from an array and for one whose buffer a strided op shares.
pub fn share_buffers(_: &TestDevice, _: &Expect) {
    let a = matrix();
    let address = a.as_ptr();
    let t = lift(TestTensor::<2>::from_array(a).expect("from"));
    let shared = t.to_arcarray::<f32>().expect("to");
    assert_eq!(shared.as_ptr(), address, "to_arcarray must not copy");
    drop(shared);
    let moved = t.into_arcarray::<f32>().expect("into");
    assert_eq!(moved.as_ptr(), address, "into_arcarray must not copy");
    assert!(moved.is_unique(), "the tensor is gone; the array owns the buffer");
    assert_eq!(moved, matrix().into_dyn());

    let a = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as i32);
    let t = lift(TestTensor::<3, Int>::from_array(a.clone()).expect("from"));
    let base = t.to_arcarray::<i32>().expect("base").as_ptr() as usize;
    let p = t
        .permute([2, 0, 1])
        .into_arcarray::<i32>()
        .expect("permuted");
    assert_eq!(p.as_ptr() as usize, base, "permute is a view");
    assert_eq!(p, a.view().permuted_axes([2, 0, 1]).into_dyn());
}

/// An `ArcArray` of any strides becomes a tensor over its buffer, values in logical order.
pub fn share_any_strides(_: &TestDevice, _: &Expect) {
    let a = matrix().into_shared();
    // `slice_move` keeps the Arc (a `slice(..).to_shared()` would copy the view).
    let view = a.clone().slice_move(s![..;-3, 1..;2]);
    let expected = view.to_owned();
    let t = lift(TestTensor::<2>::from_arcarray(view).expect("from"));
    let back = t.to_arcarray::<f32>().expect("back");
    let start = a.as_ptr() as usize;
    let end = start + a.len() * 4;
    assert!(
        (start..end).contains(&(back.as_ptr() as usize)),
        "the tensor's array points into `a`'s allocation"
    );
    assert_eq!(back, expected.clone().into_dyn());
    let values: Array2<f32> = burn_nd::ToNdarray::to_ndarray(&t).expect("read");
    assert_eq!(values, expected, "Burn sees the strided values in logical order");
}

/// Writes on either side never reach the other.
pub fn share_copy_on_write(_: &TestDevice, _: &Expect) {
    let t = lift(TestTensor::<2>::from_array(matrix()).expect("from"));
    // Writing to the array copies it; the tensor keeps its values.
    let mut arc = t.to_arcarray::<f32>().expect("to");
    arc[[0, 0]] = -1.0;
    assert_eq!(t.to_arcarray::<f32>().expect("again")[[0, 0]], 0.0);
    // Writing to the tensor (an in-place op when unique) must not touch a live array.
    let seen = t.to_arcarray::<f32>().expect("seen");
    let t = t.add_scalar(1.0);
    assert_eq!(seen[[0, 1]], 1.0, "the array kept its values");
    assert_eq!(t.into_arcarray::<f32>().expect("t")[[0, 1]], 2.0);
    // A unique tensor's buffer moves out and can be written without a copy.
    let u = lift(TestTensor::<2>::from_array(matrix()).expect("u"));
    let mut arc = u.into_arcarray::<f32>().expect("into");
    let address = arc.as_ptr();
    arc[[1, 1]] = 5.0;
    assert_eq!(arc.as_ptr(), address, "unique: written in place");
}

/// Int and Bool tensors share their buffers too.
pub fn share_int_and_bool(_: &TestDevice, _: &Expect) {
    let ints = ArcArray::from_shape_vec(IxDyn(&[2, 2]), vec![1i64, -2, 3, -4]).expect("ints");
    let address = ints.as_ptr();
    let t = lift(TestTensor::<2, Int>::from_arcarray(ints.clone()).expect("int"));
    assert_eq!(t.to_arcarray::<i64>().expect("back").as_ptr(), address);
    let bools = ArcArray::from_elem(IxDyn(&[3]), true);
    let b = lift(TestTensor::<1, Bool>::from_arcarray(bools).expect("bool"));
    assert_eq!(
        b.into_arcarray::<bool>()
            .expect("back")
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![true; 3]
    );
}

/// A wrong dtype, kind or rank is a clear error; nothing is cast.
pub fn share_errors(device: &TestDevice, _: &Expect) {
    let t = TestTensor::<1>::from_floats([1.0], device);
    let err = t.to_arcarray::<f64>().expect_err("f32 stored");
    assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("to_ndarray_with"), "{err}");
    let bools: ArcArray<bool, IxDyn> = ArcArray::from_elem(IxDyn(&[2]), true);
    assert!(matches!(
        TestTensor::<1>::from_arcarray(bools.clone()),
        Err(Error::Unsupported { kind: "Float", .. })
    ));
    assert!(TestTensor::<1, Bool>::from_arcarray(bools.clone()).is_ok());
    assert!(matches!(
        TestTensor::<2, Bool>::from_arcarray(bools),
        Err(Error::Rank {
            got: 1,
            expected: 2
        })
    ));
}

/// A tensor made by a Burn op shares its buffer, and a clone's `into_arcarray` does not copy.
pub fn share_op_results(_: &TestDevice, _: &Expect) {
    let x = lift(TestTensor::<2>::from_array(matrix()).expect("from"));
    let y = x * 2.0;
    let shared = y.to_arcarray::<f32>().expect("shared");
    let address = shared.as_ptr();
    assert_eq!(shared, matrix().mapv(|v| v * 2.0).into_dyn());
    drop(shared);
    let moved = y.clone().into_arcarray::<f32>().expect("into");
    assert_eq!(
        moved.as_ptr(),
        address,
        "into_arcarray of a clone must not copy"
    );
}
