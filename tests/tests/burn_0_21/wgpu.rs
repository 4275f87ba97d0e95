//! The conformance suite on burn-wgpu (WGSL; Mesa's lavapipe where there is no GPU), plain and
//! under `Autodiff`.
#![cfg(feature = "wgpu-0-21")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_wgpu::Wgpu,
        burn_wgpu::WgpuDevice::DefaultDevice,
        super::Expect::WGPU_LAVAPIPE
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_autodiff::Autodiff<burn_wgpu::Wgpu>,
        burn_wgpu::WgpuDevice::DefaultDevice,
        super::Expect::WGPU_LAVAPIPE,
        autodiff
    );
}
