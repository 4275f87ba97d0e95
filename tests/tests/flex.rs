//! The conformance suite on Burn 0.22's burn-flex, plain and on its Autodiff device.
#![cfg(feature = "flex")]

use burn_nd::NdDType;
use burn_nd_conformance::Expect;

/// burn-flex holds every float type, half precision included, and every integer type.
const FLEX: Expect = Expect {
    dtypes: &[
        NdDType::F64,
        NdDType::F32,
        NdDType::F16,
        NdDType::BF16,
        NdDType::I64,
        NdDType::I32,
        NdDType::I16,
        NdDType::I8,
        NdDType::U64,
        NdDType::U32,
        NdDType::U16,
        NdDType::U8,
    ],
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn22::tensor::Device::flex(),
        super::FLEX
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn22::tensor::Device::flex().autodiff(),
        super::FLEX,
        autodiff
    );
}
