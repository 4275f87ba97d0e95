//! The conformance suite on burn-wgpu (WGSL; Mesa's lavapipe where there is no GPU), plain and
//! under `Autodiff`.
#![cfg(feature = "wgpu")]

use burn::tensor::DType;
use burn_nd_conformance::Expect;

/// burn-wgpu on lavapipe (Mesa 22.3): f64, f32, f16, and 32- and 64-bit integers; no bf16
/// and no 8- or 16-bit integers. A real GPU may report more; `dtype_support` checks this list
/// against the device.
const WGPU: Expect = Expect {
    dtypes: &[
        DType::F64,
        DType::F32,
        DType::F16,
        DType::I64,
        DType::I32,
        DType::U64,
        DType::U32,
    ],
};

mod plain {
    burn_nd_conformance::conformance!(
        burn_wgpu::Wgpu,
        burn_wgpu::WgpuDevice::DefaultDevice,
        super::WGPU
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_autodiff::Autodiff<burn_wgpu::Wgpu>,
        burn_wgpu::WgpuDevice::DefaultDevice,
        super::WGPU
    );

    #[test]
    fn gradients() {
        burn_nd_conformance::gradients::<TestBackend>(&device());
    }
}
