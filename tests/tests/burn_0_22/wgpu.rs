//! The conformance suite on Burn 0.22's wgpu device (CubeCL; Mesa's lavapipe where there is no
//! GPU), plain and Autodiff: every read is the backend's device → host read-back.
#![cfg(feature = "wgpu-0-22")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::wgpu(
            burn_nd_conformance::burn::tensor::DeviceKind::DefaultDevice
        ),
        super::Expect::WGPU_LAVAPIPE
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::wgpu(
            burn_nd_conformance::burn::tensor::DeviceKind::DefaultDevice
        )
        .autodiff(),
        super::Expect::WGPU_LAVAPIPE,
        autodiff
    );
}
