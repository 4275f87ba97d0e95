//! The conformance suite on burn-tch (libtorch, CPU), plain and under `Autodiff`.
#![cfg(feature = "tch")]

use burn::tensor::DType;
use burn_nd_conformance::Expect;

/// libtorch has every float type and signed integer, but of the unsigned ones only u8.
const TCH: Expect = Expect {
    dtypes: &[
        DType::F64,
        DType::F32,
        DType::F16,
        DType::BF16,
        DType::I64,
        DType::I32,
        DType::I16,
        DType::I8,
        DType::U8,
    ],
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_tch::LibTorch,
        burn_tch::LibTorchDevice::Cpu,
        super::TCH
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_autodiff::Autodiff<burn_tch::LibTorch>,
        burn_tch::LibTorchDevice::Cpu,
        super::TCH
    );

    #[test]
    fn gradients() {
        burn_nd_conformance::gradients::<TestBackend>(&device());
    }
}
