//! The conformance suite on burn-wgpu (WGSL; Mesa's lavapipe where there is no GPU), plain and
//! under `Autodiff`.
#![cfg(feature = "wgpu")]

use burn::tensor::DType;
use burn_nd_conformance::Expect;

/// WGSL on lavapipe: 32-bit types only (no f64, f16, bf16, 64-, 16- or 8-bit integers).
/// Probed with `Backend::supports_dtype` and written down here.
const WGPU: Expect = Expect {
    dtypes: &[DType::F32, DType::I32, DType::U32],
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
