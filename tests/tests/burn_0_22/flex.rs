//! The conformance suite on Burn 0.22's burn-flex, plain and on its Autodiff device.
#![cfg(feature = "flex-0-22")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::flex(),
        super::Expect::FLEX
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::flex().autodiff(),
        super::Expect::FLEX,
        autodiff
    );
}
