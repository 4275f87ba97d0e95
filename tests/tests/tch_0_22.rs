//! The conformance suite on Burn 0.22's burn-tch (libtorch CPU) device (deprecated in 0.22, removed in 0.23),
//! plain and Autodiff: every tensor goes through the backend's read-back.
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
