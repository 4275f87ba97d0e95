//! The conformance suite on burn-ndarray, plain and under `Autodiff`.
#![cfg(feature = "ndarray")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_ndarray::NdArray,
        burn_ndarray::NdArrayDevice::Cpu,
        super::Expect::NDARRAY
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_autodiff::Autodiff<burn_ndarray::NdArray>,
        burn_ndarray::NdArrayDevice::Cpu,
        super::Expect::NDARRAY,
        autodiff
    );
}

mod ndarray_only {
    use burn::tensor::quantization::{QuantScheme, QuantStore};
    use burn::tensor::{Tensor, TensorData};
    use burn_nd::ndarray::{Array1, Array2};
    use burn_nd::prelude::*;
    use burn_ndarray::{NdArray, NdArrayDevice};

    /// A unique, contiguous tensor read as its own dtype hands its buffer over: same address.
    #[test]
    fn into_ndarray_reuses_a_unique_buffer() {
        let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
        let address = values.as_ptr();
        let t =
            Tensor::<NdArray, 2>::from_data(TensorData::new(values, [64, 64]), &NdArrayDevice::Cpu);
        let a: Array2<f32> = t.into_ndarray().expect("into");
        assert_eq!(
            a.as_ptr(),
            address,
            "the array must reuse the tensor's buffer"
        );
        assert_eq!(a[[1, 0]], 64.0);
    }

    /// A shared buffer cannot be handed over; the array is a copy and the tensor stays intact.
    #[test]
    fn into_ndarray_copies_a_shared_buffer() {
        let values: Vec<i64> = (0..16).collect();
        let address = values.as_ptr();
        let t = Tensor::<NdArray, 1, burn::tensor::Int>::from_data(
            TensorData::new(values, [16]),
            &NdArrayDevice::Cpu,
        );
        let keep = t.clone();
        let mut a: Array1<i64> = t.into_ndarray().expect("into");
        assert_ne!(a.as_ptr(), address);
        a[0] = 99;
        assert_eq!(keep.into_data().to_vec::<i64>().expect("i64")[0], 0);
    }

    #[test]
    fn quantized_tensors_are_refused() {
        let t = Tensor::<NdArray, 1>::from_floats([1.0, -2.0, 3.0], &NdArrayDevice::Cpu)
            .quantize_dynamic(&QuantScheme {
                store: QuantStore::Native,
                ..QuantScheme::default()
            });
        let err = t.to_ndarray::<f32>().expect_err("quantized");
        assert!(matches!(err, Error::Quantized { .. }), "{err:?}");
        assert!(err.to_string().contains("dequantize()"), "{err}");
        let back: Array1<f32> = t.dequantize().into_ndarray().expect("dequantized");
        assert!((back[2] - 3.0).abs() < 0.1);
    }
}

/// burn-nd-ndarray: buffers shared, not copied, and copy-on-write on both sides.
mod zero_copy {
    use burn::tensor::{Bool, Int, Tensor};
    use burn_nd::ndarray::{s, ArcArray, Array2, Array3, IxDyn};
    use burn_nd::Error;
    use burn_nd_ndarray::ShareNdarray;
    use burn_ndarray::NdArray;

    fn matrix() -> Array2<f32> {
        Array2::from_shape_fn((64, 32), |(i, j)| (i * 32 + j) as f32)
    }

    #[test]
    fn tensor_to_arcarray_shares_the_buffer() {
        let a = matrix();
        let address = a.as_ptr();
        let t = Tensor::<NdArray, 2>::from_array(a).expect("from");
        let shared = t.to_arcarray::<f32>().expect("to");
        assert_eq!(shared.as_ptr(), address, "to_arcarray must not copy");
        let moved = t.into_arcarray::<f32>().expect("into");
        assert_eq!(moved.as_ptr(), address, "into_arcarray must not copy");
        assert_eq!(moved, matrix().into_dyn());
    }

    #[test]
    fn strided_tensors_share_the_buffer_with_their_strides() {
        let a = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as i32);
        let t = Tensor::<NdArray, 3, Int>::from_array(a.clone()).expect("from");
        let base = t.to_arcarray::<i32>().expect("base").as_ptr() as usize;
        let p = t
            .permute([2, 0, 1])
            .into_arcarray::<i32>()
            .expect("permuted");
        assert_eq!(p.as_ptr() as usize, base, "permute is a view");
        assert_eq!(p, a.view().permuted_axes([2, 0, 1]).into_dyn());
    }

    #[test]
    fn arcarray_to_tensor_keeps_any_strides_without_copying() {
        let a = matrix().into_shared();
        // `slice_move` keeps the Arc (a `slice(..).to_shared()` would copy the view).
        let view = a.clone().slice_move(s![..;-3, 1..;2]);
        let expected = view.to_owned();
        let t = Tensor::<NdArray, 2>::from_arcarray(view).expect("from");
        let back = t.to_arcarray::<f32>().expect("back");
        // The tensor's array points into `a`'s allocation.
        let start = a.as_ptr() as usize;
        let end = start + a.len() * 4;
        assert!(
            (start..end).contains(&(back.as_ptr() as usize)),
            "no copy was made"
        );
        assert_eq!(back, expected.into_dyn());
    }

    #[test]
    fn copy_on_write_protects_both_sides() {
        let t = Tensor::<NdArray, 2>::from_array(matrix()).expect("from");
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
        let u = Tensor::<NdArray, 2>::from_array(matrix()).expect("u");
        let mut arc = u.into_arcarray::<f32>().expect("into");
        let address = arc.as_ptr();
        arc[[1, 1]] = 5.0;
        assert_eq!(arc.as_ptr(), address, "unique: written in place");
    }

    #[test]
    fn wrong_dtype_kind_and_rank_are_clear_errors() {
        let t = Tensor::<NdArray, 1>::from_floats([1.0], &Default::default());
        let err = t.to_arcarray::<f64>().expect_err("f32 stored");
        assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");
        assert!(err.to_string().contains("to_ndarray_with"), "{err}");
        let bools: ArcArray<bool, IxDyn> = ArcArray::from_elem(IxDyn(&[2]), true);
        assert!(matches!(
            Tensor::<NdArray, 1>::from_arcarray(bools.clone()),
            Err(Error::Unsupported { kind: "Float", .. })
        ));
        assert!(Tensor::<NdArray, 1, Bool>::from_arcarray(bools.clone()).is_ok());
        assert!(matches!(
            Tensor::<NdArray, 2, Bool>::from_arcarray(bools),
            Err(Error::Rank {
                got: 1,
                expected: 2
            })
        ));
    }

    type Ad = burn_autodiff::Autodiff<NdArray>;

    /// An `Autodiff` tensor made by a Burn op shares its values' buffer, shared or unique, and
    /// gradients stay usable on the tensor it came from.
    #[test]
    fn autodiff_tensors_share_their_values_buffer() {
        let x = Tensor::<Ad, 2>::from_array(matrix())
            .expect("from")
            .require_grad();
        let y = x.clone() * 2.0;
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
        drop(moved);
        let grads = y.sum().backward();
        let g = x.grad(&grads).expect("grad");
        assert!(g
            .into_arcarray::<f32>()
            .expect("grad")
            .iter()
            .all(|&v| v == 2.0));
        // A unique tensor's buffer moves out as it is: same address, and the array is unique.
        let a = matrix();
        let address = a.as_ptr();
        let u = Tensor::<Ad, 2>::from_array(a).expect("unique");
        let arc = u.into_arcarray::<f32>().expect("into");
        assert_eq!(arc.as_ptr(), address);
        assert!(arc.is_unique());
    }

    /// Int and Bool `Autodiff` tensors too; arrays come back as leaves that need no gradient.
    #[test]
    fn autodiff_int_bool_and_from_arcarray() {
        let ints = ArcArray::from_shape_vec(IxDyn(&[2, 2]), vec![1i64, -2, 3, -4]).expect("ints");
        let address = ints.as_ptr();
        let t = Tensor::<Ad, 2, Int>::from_arcarray(ints.clone()).expect("int");
        assert_eq!(t.to_arcarray::<i64>().expect("back").as_ptr(), address);
        let bools = ArcArray::from_elem(IxDyn(&[3]), true);
        let b = Tensor::<Ad, 1, Bool>::from_arcarray(bools).expect("bool");
        assert_eq!(
            b.into_arcarray::<bool>()
                .expect("back")
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![true; 3]
        );
        let f = Tensor::<Ad, 2>::from_array(matrix()).expect("float");
        assert!(!f.is_require_grad());
        assert!(matches!(
            f.to_arcarray::<f64>(),
            Err(Error::DtypeMismatch { .. })
        ));
        assert!(matches!(
            Tensor::<Ad, 3>::from_array(matrix()),
            Err(Error::Rank {
                got: 2,
                expected: 3
            })
        ));
    }
}
