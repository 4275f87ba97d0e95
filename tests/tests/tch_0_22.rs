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
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn22::tensor::Device::libtorch(),
        super::TCH
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn22::tensor::Device::libtorch().autodiff(),
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
    use burn_nd_conformance::burn22::backend::LibTorch;
    use burn_nd_conformance::burn22::tensor::{Device, Tensor, TensorData};

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
            let view = cpu_view::<f32>(&primitive.tensor).expect("view");
            // The transpose is libtorch's strides over the same memory, not a copy.
            assert_eq!(view.strides(), &[1, 3], "{device:?}");
            let read: Array2<f32> = t.to_ndarray().expect("read");
            assert_eq!(read.into_dyn(), view);
            assert!(matches!(
                cpu_view::<f64>(&primitive.tensor),
                Err(Error::DtypeMismatch { .. })
            ));
        }
    }

    /// `AsNdarrayView` borrows the tensor's own memory (same address, libtorch's strides),
    /// plain and Autodiff; it never casts, nor shows a Bool tensor as its bytes.
    #[test]
    fn views_alias_libtorch_memory() {
        use burn_nd::AsNdarrayView;
        use burn_nd_conformance::burn22::tensor::Bool;
        for device in [Device::libtorch(), Device::libtorch().autodiff()] {
            let values: Vec<f32> = (0..6).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [2, 3]), &device);
            let primitive = t
                .clone()
                .without_autodiff()
                .try_into_primitive::<LibTorch>()
                .expect("a libtorch tensor");
            let address = cpu_view::<f32>(&primitive.tensor).expect("view").as_ptr();
            let transposed = t.clone().transpose();
            let guard = transposed.as_ndarray_view::<f32>().expect("view");
            assert_eq!(guard.view().as_ptr(), address, "{device:?}: no copy");
            assert_eq!(guard.view().strides(), &[1, 3]);
            let expected: Array2<f32> = transposed.to_ndarray().expect("read");
            assert_eq!(guard.view(), expected.into_dyn());
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
}
