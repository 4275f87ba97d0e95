//! The conformance suite on Burn 0.22's burn-tch (libtorch CPU) device (deprecated in 0.22,
//! removed in 0.23), plain and Autodiff, and its direct read (feature `tch-0-22`).
#![cfg(feature = "tch-0-22")]
#![allow(deprecated)]

use burn_nd::NdDType;
use burn_nd_conformance::Expect;

/// libtorch on the CPU, as burn-tch 0.22 reports it: every float type, but of the integers
/// only i64 (burn-tch 0.21 also took i32, i16, i8 and u8).
const TCH: Expect = Expect {
    dtypes: &[
        NdDType::F64,
        NdDType::F32,
        NdDType::F16,
        NdDType::BF16,
        NdDType::I64,
    ],
    shares_memory: false,
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::libtorch(),
        super::TCH
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::libtorch().autodiff(),
        super::TCH,
        autodiff
    );
}

/// What the direct read of libtorch CPU tensors (feature `tch-0-22`) is built on: a view of
/// the tensor's memory in libtorch's own layout, reached from a plain or an Autodiff tensor.
mod direct {
    use burn_nd::backend::tch::cpu_view;
    use burn_nd::ndarray::Array2;
    use burn_nd::prelude::*;
    use burn_nd_conformance::burn::backend::LibTorch;
    use burn_nd_conformance::burn::tensor::{Device, Tensor, TensorData};

    #[test]
    fn cpu_tensors_are_read_through_a_view_of_their_memory() {
        for device in [Device::libtorch(), Device::libtorch().autodiff()] {
            let values: Vec<f32> = (0..6).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [2, 3]), &device).transpose();
            let primitive = t
                .clone()
                .without_autodiff()
                .try_into_primitive::<LibTorch>()
                .expect("a libtorch tensor");
            // SAFETY: nothing writes to `t`'s memory while `view` lives.
            let view = unsafe { cpu_view::<f32>(&primitive.tensor) }.expect("view");
            // The transpose is libtorch's strides over the same memory, not a copy.
            assert_eq!(view.strides(), &[1, 3], "{device:?}");
            let read: Array2<f32> = t.to_ndarray().expect("read");
            assert_eq!(read.into_dyn(), view);
            assert!(matches!(
                // SAFETY: as above.
                unsafe { cpu_view::<f64>(&primitive.tensor) },
                Err(Error::DtypeMismatch { .. })
            ));
        }
    }

    /// The safe `AsNdarrayView` reads a copy only it holds; the unchecked one borrows the
    /// tensor's own memory (same address, libtorch's strides), plain and Autodiff; neither
    /// casts, nor shows a Bool tensor as its bytes.
    #[test]
    fn safe_views_copy_and_unchecked_views_alias_libtorch_memory() {
        use burn_nd::AsNdarrayView;
        use burn_nd_conformance::burn::tensor::Bool;
        for device in [Device::libtorch(), Device::libtorch().autodiff()] {
            let values: Vec<f32> = (0..6).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [2, 3]), &device);
            let primitive = t
                .clone()
                .without_autodiff()
                .try_into_primitive::<LibTorch>()
                .expect("a libtorch tensor");
            // SAFETY: the view is dropped at the end of this statement.
            let address = unsafe { cpu_view::<f32>(&primitive.tensor) }
                .expect("view")
                .as_ptr();
            let transposed = t.clone().transpose();
            let expected: Array2<f32> = transposed.to_ndarray().expect("read");
            let guard = transposed.as_ndarray_view::<f32>().expect("view");
            assert!(guard.copied());
            assert_ne!(guard.view().as_ptr(), address, "{device:?}: a copy");
            assert_eq!(guard.view(), expected.clone().into_dyn());
            // SAFETY: nothing writes to `t`'s memory while `shared` lives.
            let shared = unsafe { transposed.as_ndarray_view_unchecked::<f32>() }.expect("view");
            assert!(!shared.copied());
            assert_eq!(shared.view().as_ptr(), address, "{device:?}: no copy");
            assert_eq!(shared.view().strides(), &[1, 3]);
            assert_eq!(shared.view(), expected.into_dyn());
            assert!(matches!(
                t.as_ndarray_view::<f64>(),
                Err(Error::DtypeMismatch { .. })
            ));
            let b = Tensor::<1, Bool>::from_data(TensorData::from([true, false]), &device);
            assert!(matches!(
                b.as_ndarray_view::<u8>(),
                Err(Error::DtypeMismatch { .. })
            ));
            let bools = b.as_ndarray_view::<bool>().expect("bool view");
            let seen: Vec<bool> = bools.view().iter().copied().collect();
            assert_eq!(seen, vec![true, false]);
        }
    }

    /// burn-tch's `scatter_nd` writes into storage other handles share (an upstream bug, in
    /// the README's known issues): on a clone it changes the original's memory. A safe view
    /// taken before keeps its values, on libtorch (a copy) and on burn-flex (whose
    /// `scatter_nd` writes a new buffer).
    #[test]
    fn a_scatter_nd_on_a_clone_leaves_a_safe_view_unchanged() {
        use burn_nd::AsNdarrayView;
        use burn_nd_conformance::burn::tensor::{IndexingUpdateOp, Int};
        for device in [
            Device::libtorch(),
            Device::libtorch().autodiff(),
            Device::flex(),
        ] {
            let t = Tensor::<2>::from_data([[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]], &device);
            let before: Array2<f32> = t.to_ndarray().expect("read");
            let guard = t.as_ndarray_view::<f32>().expect("view");
            let idx = Tensor::<2, Int>::from_data([[0i64, 1]], &device);
            let vals = Tensor::<1>::from_data([100.0f32], &device);
            let updated = t.clone().scatter_nd(idx, vals, IndexingUpdateOp::Assign);
            assert_eq!(guard.view(), before.clone().into_dyn(), "{device:?}");
            let updated: Array2<f32> = updated.to_ndarray().expect("read");
            assert_eq!(updated[[0, 1]], 100.0, "{device:?}");
        }
    }

    /// A libtorch Bool tensor can hold any byte (`view_dtype`); burn-nd checks the bytes
    /// before it views them as `bool`, on every path that reads the tensor's memory, and names
    /// the first bad one.
    #[test]
    fn bool_bytes_other_than_0_or_1_are_refused() {
        use burn_nd::AsNdarrayView;
        use burn_nd_conformance::burn::backend::libtorch::TchTensor;
        use burn_nd_conformance::burn::tensor::Bool;
        let raw = tch::Tensor::from_slice(&[1u8, 2, 0]).view_dtype(tch::Kind::Bool);
        // SAFETY: `raw` is the only handle on its storage and nothing writes to it.
        let refused = unsafe { cpu_view::<bool>(&raw) }.expect_err("byte 2");
        assert!(
            refused.to_string().contains("byte 2 at index [1]"),
            "{refused}"
        );
        // SAFETY: as above; bytes are always valid `u8`s.
        let bytes = unsafe { cpu_view::<u8>(&raw) }.expect("bytes");
        assert_eq!(bytes.as_slice(), Some(&[1u8, 2, 0][..]));
        let t = Tensor::<1, Bool>::from_primitive::<LibTorch>(TchTensor::new(raw));
        assert!(matches!(t.to_ndarray::<bool>(), Err(Error::Backend { .. })));
        assert!(matches!(t.to_ndarray::<u8>(), Err(Error::Backend { .. })));
        let mut out = burn_nd::ndarray::Array1::from_elem(3, false);
        assert!(t.read_into(&mut out).is_err());
        assert_eq!(out, burn_nd::ndarray::arr1(&[false; 3]), "untouched");
        // The safe view reads libtorch's copy, which writes every non-zero byte as 1.
        let guard = t.as_ndarray_view::<bool>().expect("a copy");
        let copied: Vec<bool> = guard.view().iter().copied().collect();
        assert_eq!(copied, vec![true, true, false]);
        // SAFETY: nothing writes to `t`'s memory.
        assert!(unsafe { t.as_ndarray_view_unchecked::<bool>() }.is_err());
    }

    /// burn-nd-tch's one-copy upload on 0.22: the array's own dtype and values in logical
    /// order from any layout, on the plain and the Autodiff device (a leaf there), straight
    /// into libtorch memory; clear errors for another device, kind, rank or a dtype burn-tch
    /// 0.22 does not report.
    #[test]
    fn from_ndarray_tch_uploads_any_layout_in_one_copy() {
        use burn_nd::ndarray::{s, Array3, ShapeBuilder};
        use burn_nd_conformance::burn::tensor::{Bool, DType, Int};
        use burn_nd_tch::FromNdarrayTch;
        let cube = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f64);
        for device in [Device::libtorch(), Device::libtorch().autodiff()] {
            for (what, view) in [
                ("standard", cube.view()),
                ("reversed axes", cube.t()),
                ("negative strides", cube.slice(s![..;-1, .., ..;-2])),
                ("stepped", cube.slice(s![.., ..;2, 1..])),
            ] {
                let t = Tensor::<3>::from_ndarray_tch(&view, &device).expect(what);
                assert_eq!(t.dtype(), DType::F64, "{what}");
                assert_eq!(t.is_autodiff(), device.is_autodiff(), "{what}");
                assert!(!t.is_require_grad());
                let back: Array3<f64> = t.to_ndarray().expect(what);
                assert_eq!(back, view, "{what} on {device:?}");
            }
            let fortran = Array2::from_shape_vec((2, 3).f(), vec![1i64, 2, 3, 4, 5, 6]).expect("f");
            let ints = Tensor::<2, Int>::from_ndarray_tch(&fortran, &device).expect("ints");
            assert_eq!(
                ints.into_data().into_vec::<i64>().expect("i64"),
                vec![1, 3, 5, 2, 4, 6]
            );
            let flags = burn_nd::ndarray::arr1(&[true, false, true]);
            let b = Tensor::<1, Bool>::from_ndarray_tch(&flags, &device).expect("bools");
            let seen: burn_nd::ndarray::Array1<bool> = b.to_ndarray().expect("bools back");
            assert_eq!(seen, flags);
        }
        // The upload is a gradient leaf: gradients flow to it on the Autodiff device.
        let x = Tensor::<2>::from_ndarray_tch(
            &burn_nd::ndarray::arr2(&[[1.0f32, 2.0]]),
            &Device::libtorch().autodiff(),
        )
        .expect("x")
        .require_grad();
        let grads = (x.clone() * 3.0).sum().backward();
        let g: Array2<f32> = x.grad(&grads).expect("grad").to_ndarray().expect("g");
        assert_eq!(g, burn_nd::ndarray::arr2(&[[3.0, 3.0]]));

        let a = burn_nd::ndarray::arr1(&[1.0f32]);
        let err = Tensor::<1>::from_ndarray_tch(&a, &Device::flex()).expect_err("flex");
        assert!(
            matches!(
                &err,
                Error::NotOnBackend {
                    backend: "burn-tch",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(matches!(
            Tensor::<1, Int>::from_ndarray_tch(&a, &Device::libtorch()),
            Err(Error::Unsupported { kind: "Int", .. })
        ));
        assert!(matches!(
            Tensor::<2>::from_ndarray_tch(&a, &Device::libtorch()),
            Err(Error::Rank {
                got: 1,
                expected: 2
            })
        ));
        // burn-tch 0.22 reports no i32 tensors (see `TCH` above), so neither does the upload.
        assert!(matches!(
            Tensor::<1, Int>::from_ndarray_tch(
                &burn_nd::ndarray::arr1(&[1i32]),
                &Device::libtorch()
            ),
            Err(Error::Unsupported { .. })
        ));
    }
}
