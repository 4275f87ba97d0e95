//! The conformance suite on burn-tch (libtorch, CPU), plain and under `Autodiff`.
#![cfg(feature = "tch-0-21")]

use burn_nd::NdDType;
use burn_nd_conformance::Expect;

/// libtorch has every float type and signed integer, but of the unsigned ones only u8.
const TCH: Expect = Expect {
    dtypes: &[
        NdDType::F64,
        NdDType::F32,
        NdDType::F16,
        NdDType::BF16,
        NdDType::I64,
        NdDType::I32,
        NdDType::I16,
        NdDType::I8,
        NdDType::U8,
    ],
    shares_memory: false,
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_tch::LibTorch,
        burn_tch::LibTorchDevice::Cpu,
        super::TCH
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_autodiff::Autodiff<burn_tch::LibTorch>,
        burn_tch::LibTorchDevice::Cpu,
        super::TCH,
        autodiff
    );
}

/// burn-nd-tch: borrowed views (safe over a copy, unchecked without one), and one-copy tensors
/// from any layout.
mod zero_copy {
    use burn021::tensor::{Bool, DType, Int, Tensor};
    use burn_nd::half::{bf16, f16};
    use burn_nd::ndarray::{s, Array, Array2, Array3, ShapeBuilder};
    use burn_nd::Error;
    use burn_nd_tch::{AsNdarrayView, FromNdarrayTch};
    use burn_tch::{LibTorch, LibTorchDevice};

    const CPU: LibTorchDevice = LibTorchDevice::Cpu;

    fn cube() -> Array3<f32> {
        Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f32)
    }

    /// The address of `t`'s own memory, through the unchecked view.
    fn address<const D: usize>(t: &Tensor<LibTorch, D>) -> usize {
        // SAFETY: the view is dropped at the end of this statement; no op runs meanwhile.
        unsafe { t.as_ndarray_view_unchecked::<f32>() }
            .expect("view")
            .view()
            .as_ptr() as usize
    }

    #[test]
    fn unchecked_views_share_libtorch_memory() {
        let t = Tensor::<LibTorch, 3>::from_ndarray_tch(&cube(), &CPU).expect("from");
        // SAFETY (both): no op runs on a handle of `t`'s memory while the views are alive.
        let a = unsafe { t.as_ndarray_view_unchecked::<f32>() }.expect("view");
        let b = unsafe { t.as_ndarray_view_unchecked::<f32>() }.expect("view again");
        assert_eq!(
            a.view().as_ptr(),
            b.view().as_ptr(),
            "both views read the same memory"
        );
        assert_eq!(a.view().as_ptr() as usize, address(&t));
        assert!(!a.copied());
        assert_eq!(a.view(), cube().into_dyn());
    }

    #[test]
    fn strided_tensors_are_viewed_without_contiguous_copies() {
        let t = Tensor::<LibTorch, 3>::from_ndarray_tch(&cube(), &CPU).expect("from");
        let base = address(&t);
        let p = t.clone().permute([2, 0, 1]);
        // SAFETY: no op runs on a handle of this memory while `guard` is alive.
        let guard = unsafe { p.as_ndarray_view_unchecked::<f32>() }.expect("permuted");
        assert_eq!(guard.view().as_ptr() as usize, base, "permute is a view");
        assert_eq!(
            guard.view(),
            cube().view().permuted_axes([2, 0, 1]).into_dyn()
        );
        drop(guard);
        let sliced = t.slice(burn021::tensor::s![.., 1.., 1..;2]);
        // SAFETY: as above.
        let guard = unsafe { sliced.as_ndarray_view_unchecked::<f32>() }.expect("sliced");
        assert_eq!(guard.view(), cube().slice(s![.., 1.., 1..;2]).into_dyn());
        // The safe view of a strided tensor reads the same values from its own copy.
        let safe = sliced.as_ndarray_view::<f32>().expect("safe");
        assert!(safe.copied());
        assert_ne!(safe.view().as_ptr(), guard.view().as_ptr());
        assert_eq!(safe.view(), guard.view());
    }

    /// The case that makes the safe view copy: burn-tch 0.21 lets an op on a transposed clone
    /// write in place into memory other handles share. The safe view keeps its values.
    #[test]
    fn the_safe_view_survives_an_in_place_op_on_a_transposed_clone() {
        let t = Tensor::<LibTorch, 2>::from_ndarray_tch(&Array2::<f32>::ones((2, 2)), &CPU)
            .expect("from");
        let guard = t.as_ndarray_view::<f32>().expect("view");
        assert!(guard.copied());
        assert_ne!(guard.view().as_ptr() as usize, address(&t));
        let doubled = t.clone().transpose() * 2.0;
        assert!(
            guard.view().iter().all(|&v| v == 1.0),
            "the view still reads ones: {:?}",
            guard.view()
        );
        assert_eq!(
            doubled.into_data().to_vec::<f32>().expect("f32"),
            vec![2.0; 4]
        );
    }

    /// burn-tch 0.21's `scatter_nd` writes into storage other handles share (an upstream
    /// bug, in the README's known issues); the safe view, a copy, keeps its values.
    #[test]
    fn the_safe_view_survives_a_scatter_nd_on_a_clone() {
        use burn021::tensor::IndexingUpdateOp;
        let t = Tensor::<LibTorch, 2>::from_floats([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], &CPU);
        let guard = t.as_ndarray_view::<f32>().expect("view");
        let idx = Tensor::<LibTorch, 2, Int>::from_ints([[0, 1]], &CPU);
        let vals = Tensor::<LibTorch, 1>::from_floats([100.0], &CPU);
        let updated = t.clone().scatter_nd(idx, vals, IndexingUpdateOp::Assign);
        let expected = burn_nd::ndarray::arr2(&[[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!(guard.view(), expected.into_dyn());
        assert_eq!(updated.into_data().to_vec::<f32>().expect("f32")[1], 100.0);
    }

    /// A libtorch Bool tensor can hold any byte (`view_dtype`); the read and the unchecked
    /// view check the bytes before they are `bool`s (the safe view reads libtorch's copy).
    #[test]
    fn bool_bytes_other_than_0_or_1_are_refused() {
        use burn_nd::prelude::*;
        let raw = tch::Tensor::from_slice(&[1u8, 2, 0]).view_dtype(tch::Kind::Bool);
        let t = Tensor::<LibTorch, 1, Bool>::from_primitive(burn_tch::TchTensor::new(raw));
        let refused = t.to_ndarray::<bool>().expect_err("byte 2");
        assert!(
            refused.to_string().contains("byte 2 at index [1]"),
            "{refused}"
        );
        assert!(matches!(t.to_ndarray::<u8>(), Err(Error::Backend { .. })));
        // The safe view reads libtorch's copy, which writes every non-zero byte as 1.
        let guard = t.as_ndarray_view::<bool>().expect("a copy");
        let copied: Vec<bool> = guard.view().iter().copied().collect();
        assert_eq!(copied, vec![true, true, false]);
        // SAFETY: nothing writes to `t`'s memory.
        assert!(unsafe { t.as_ndarray_view_unchecked::<bool>() }.is_err());
    }

    #[test]
    fn a_live_unchecked_view_is_not_written_by_ops_on_the_tensor() {
        let t = Tensor::<LibTorch, 2>::from_ndarray_tch(&Array2::<f32>::zeros((4, 4)), &CPU)
            .expect("from");
        // SAFETY: the only op while `guard` is alive runs on a clone of `t`, not on a
        // transposed or permuted handle.
        let guard = unsafe { t.as_ndarray_view_unchecked::<f32>() }.expect("view");
        let bumped = t.clone().add_scalar(1.0); // would be in place if the storage were unique
        assert!(
            guard.view().iter().all(|&v| v == 0.0),
            "the view still reads zeros"
        );
        let bumped = bumped
            .as_ndarray_view::<f32>()
            .expect("bumped")
            .view()
            .sum();
        assert_eq!(bumped, 16.0);
    }

    #[test]
    fn every_dtype_round_trips_in_one_copy() {
        fn check<E, K, const D: usize>(a: Array<E, burn_nd::ndarray::IxDyn>)
        where
            E: burn_nd_tch::TorchElement + PartialEq + std::fmt::Debug,
            K: burn_nd_tch::TchKind<f32>,
        {
            let t = Tensor::<LibTorch, D, K>::from_ndarray_tch(&a, &CPU).expect("from");
            assert!(burn_nd::can_cast(t.dtype(), E::DTYPE, burn_nd::Casting::No));
            assert_eq!(t.as_ndarray_view::<E>().expect("view").view(), a.view());
        }
        let shape = [2usize, 3];
        let f = |i: usize| i as f32 - 2.5;
        let d = burn_nd::ndarray::IxDyn(&shape);
        check::<f32, burn021::tensor::Float, 2>(Array::from_shape_fn(d.clone(), |ix| {
            f(ix[0] * 3 + ix[1])
        }));
        check::<f64, burn021::tensor::Float, 2>(Array::from_shape_fn(d.clone(), |ix| {
            f(ix[0] * 3 + ix[1]) as f64
        }));
        check::<f16, burn021::tensor::Float, 2>(Array::from_shape_fn(d.clone(), |ix| {
            f16::from_f32(f(ix[1]))
        }));
        check::<bf16, burn021::tensor::Float, 2>(Array::from_shape_fn(d.clone(), |ix| {
            bf16::from_f32(f(ix[1]))
        }));
        check::<i64, Int, 2>(Array::from_shape_fn(d.clone(), |ix| ix[0] as i64 - 9));
        check::<i32, Int, 2>(Array::from_shape_fn(d.clone(), |ix| ix[1] as i32 * -7));
        check::<i16, Int, 2>(Array::from_shape_fn(d.clone(), |ix| ix[1] as i16 - 300));
        check::<i8, Int, 2>(Array::from_shape_fn(d.clone(), |ix| ix[1] as i8 - 100));
        check::<u8, Int, 2>(Array::from_shape_fn(d.clone(), |ix| 250 + ix[1] as u8));
        check::<bool, Bool, 2>(Array::from_shape_fn(d.clone(), |ix| ix[1] % 2 == 0));
        check::<f32, burn021::tensor::Float, 2>(Array::zeros(burn_nd::ndarray::IxDyn(&[0, 3])));
    }

    #[test]
    fn any_layout_arrives_in_logical_order() {
        let a = cube();
        for (what, view) in [
            ("reversed axes", a.t()),
            ("negative strides", a.slice(s![..;-1, .., ..;-2])),
            ("stepped", a.slice(s![.., ..;2, 1..])),
        ] {
            let t = Tensor::<LibTorch, 3>::from_ndarray_tch(&view, &CPU).expect(what);
            assert_eq!(
                t.as_ndarray_view::<f32>().expect(what).view(),
                view.into_dyn(),
                "{what}"
            );
        }
        let fortran = Array::from_shape_vec((2, 3).f(), vec![1i64, 2, 3, 4, 5, 6]).expect("f");
        let t = Tensor::<LibTorch, 2, Int>::from_ndarray_tch(&fortran, &CPU).expect("fortran");
        assert_eq!(
            t.into_data().to_vec::<i64>().expect("i64"),
            vec![1, 3, 5, 2, 4, 6]
        );
    }

    /// burn-nd's own view of libtorch memory, which `ToNdarray` reads burn-tch tensors through.
    #[test]
    fn the_core_view_reads_libtorch_memory_in_place() {
        use burn_nd::prelude::*;
        let t = Tensor::<LibTorch, 3>::from_ndarray_tch(&cube(), &CPU).expect("from");
        let permuted = t.clone().permute([2, 0, 1]);
        let primitive = permuted.clone().into_primitive().tensor();
        // SAFETY: nothing writes to `t`'s memory while `view` lives.
        let view =
            unsafe { burn_nd::backend::tch::cpu_view::<f32>(&primitive.tensor) }.expect("view");
        assert_eq!(view.strides(), &[1, 12, 4]);
        assert_eq!(view.as_ptr() as usize, address(&t));
        let expected = cube().permuted_axes([2, 0, 1]);
        assert_eq!(view, expected.view().into_dyn());
        // ToNdarray reads the same memory in logical order, for the static and dyn forms.
        assert_eq!(permuted.to_ndarray::<f32>().expect("read"), expected);
        assert_eq!(
            permuted
                .to_ndarray_dyn_with::<i8>(Casting::Unsafe)
                .expect("cast"),
            expected.mapv(|v| v as i8).into_dyn()
        );
        // SAFETY (each `cpu_view` below): nothing writes to the viewed memory meanwhile.
        match unsafe { burn_nd::backend::tch::cpu_view::<f64>(&primitive.tensor) } {
            Err(Error::DtypeMismatch { stored, requested }) => {
                assert!(
                    stored == DType::F32 && requested == DType::F64,
                    "{stored:?} {requested:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        // A Bool tensor views as bool, or as its bytes.
        let bools = Tensor::<LibTorch, 1, Bool>::from_bool([true, false].into(), &CPU);
        let bools = bools.into_primitive();
        assert_eq!(
            unsafe { burn_nd::backend::tch::cpu_view::<u8>(&bools.tensor) }
                .expect("bytes")
                .as_slice(),
            Some(&[1u8, 0][..])
        );
        assert_eq!(
            unsafe { burn_nd::backend::tch::cpu_view::<bool>(&bools.tensor) }
                .expect("bools")
                .as_slice(),
            Some(&[true, false][..])
        );
        // A kind Burn has no dtype for is an error, not a panic.
        let complex = tch::Tensor::zeros([2], (tch::Kind::ComplexFloat, tch::Device::Cpu));
        assert!(matches!(
            unsafe { burn_nd::backend::tch::cpu_view::<f32>(&complex) },
            Err(Error::Backend { .. })
        ));
        // Empty tensors view without touching memory.
        let empty = tch::Tensor::zeros([0, 3], (tch::Kind::Float, tch::Device::Cpu));
        assert_eq!(
            unsafe { burn_nd::backend::tch::cpu_view::<f32>(&empty) }
                .expect("empty")
                .shape(),
            &[0, 3]
        );
    }

    #[test]
    fn mismatches_are_clear_errors() {
        let t = Tensor::<LibTorch, 1>::from_floats([1.0], &CPU);
        let err = t.as_ndarray_view::<f64>().expect_err("stored f32");
        match err {
            Error::DtypeMismatch { stored, requested } => {
                assert!(
                    stored == DType::F32 && requested == DType::F64,
                    "{stored:?} {requested:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        let ints = burn_nd::ndarray::arr1(&[1i32]);
        assert!(matches!(
            Tensor::<LibTorch, 1>::from_ndarray_tch(&ints, &CPU),
            Err(Error::Unsupported { kind: "Float", .. })
        ));
        assert!(matches!(
            Tensor::<LibTorch, 2, Int>::from_ndarray_tch(&ints, &CPU),
            Err(Error::Rank {
                got: 1,
                expected: 2
            })
        ));
    }

    type Ad = burn_autodiff::Autodiff<LibTorch>;

    /// An `Autodiff` tensor made by a Burn op is viewed (in place by the unchecked view), Float,
    /// Int and Bool, and a tensor made from an array is a leaf.
    #[test]
    fn autodiff_tensors_are_viewed_in_place() {
        let x = Tensor::<Ad, 3>::from_ndarray_tch(&cube(), &CPU).expect("from");
        assert!(!x.is_require_grad());
        let y = x.require_grad() * 2.0;
        let a = y.as_ndarray_view::<f32>().expect("view");
        assert!(a.copied());
        assert_eq!(a.view(), cube().mapv(|v| v * 2.0).into_dyn());
        // SAFETY (both): no op runs on a handle of `y`'s memory while the views are alive.
        let b = unsafe { y.as_ndarray_view_unchecked::<f32>() }.expect("view again");
        assert!(!b.copied());
        let inner = y.clone().inner();
        let base = unsafe { inner.as_ndarray_view_unchecked::<f32>() }.expect("inner view");
        assert_eq!(
            base.view().as_ptr(),
            b.view().as_ptr(),
            "the values' own memory"
        );
        let i = Tensor::<Ad, 1, Int>::from_ndarray_tch(&burn_nd::ndarray::arr1(&[4i64, 5]), &CPU)
            .expect("int");
        assert_eq!(
            i.as_ndarray_view::<i64>().expect("int view").view().sum(),
            9
        );
        let b =
            Tensor::<Ad, 1, Bool>::from_ndarray_tch(&burn_nd::ndarray::arr1(&[true, false]), &CPU)
                .expect("bool");
        assert!(b.as_ndarray_view::<bool>().expect("bool view").view()[0]);
        assert!(matches!(
            y.as_ndarray_view::<f64>(),
            Err(Error::DtypeMismatch { .. })
        ));
    }
}

/// A module with a bf16 parameter cannot be saved for NumPy (bf16 has no NumPy dtype): the save
/// is refused before the destination is touched, so an archive already there survives whole.
mod bf16_module {
    // `#[derive(Module)]` names `burn::`: here that is Burn 0.21.
    use burn021 as burn;

    use burn::module::{Module, Param, ParamId};
    use burn::tensor::backend::Backend;
    use burn::tensor::{DType, Tensor, TensorData};
    use burn_nd::half::bf16;
    use burn_nd::ndarray::arr1;
    use burn_nd::{npy, DynArray, Error};
    use burn_tch::{LibTorch, LibTorchDevice};

    #[derive(Module, Debug)]
    struct Half<B: Backend> {
        w: Param<Tensor<B, 1>>,
    }

    #[test]
    fn a_refused_save_keeps_the_old_archive() {
        let dir = std::env::temp_dir().join(format!("burn_nd_bf16_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("m.npz");
        let old = DynArray::from(arr1(&[1.5f32, 2.5]).into_dyn());
        npy::write_npz(&path, [("w", &old)], false).expect("old archive");
        let before = std::fs::read(&path).expect("read");

        // An explicit dtype: the device's default float dtype is not bf16.
        let data = TensorData::new(vec![bf16::ONE, bf16::ZERO], [2]);
        let w = Tensor::<LibTorch, 1>::from_data(data, (&LibTorchDevice::Cpu, DType::BF16));
        let module = Half {
            w: Param::initialized(ParamId::new(), w),
        };
        let err = npy::save_module_npz(&module, &path).expect_err("bf16");
        assert!(
            matches!(&err, Error::Param { name, source } if name == "w"
                && matches!(**source, Error::NotInNumpy { .. })),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).expect("read"), before);
        assert_eq!(
            std::fs::read_dir(&dir).expect("dir").count(),
            1,
            "a temporary file was left"
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
