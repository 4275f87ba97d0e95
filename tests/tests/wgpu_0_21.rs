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

/// burn-nd-wgpu: device-narrowed reads agree with the plain conversion (the awaited and
/// batched reads are in the suite, on every backend).
mod readback {
    use burn021::tensor::{Bool, DType, Tensor};
    use burn_nd::half::{bf16, f16};
    use burn_nd::ndarray::{array, ArrayD};
    use burn_nd::{Casting, Error, FromNdarray, ToNdarray};
    use burn_nd_wgpu::NarrowRead;
    use burn_wgpu::{Wgpu, WgpuDevice};

    fn device() -> WgpuDevice {
        WgpuDevice::DefaultDevice
    }

    #[test]
    fn device_narrowing_gives_the_host_cast_values() {
        let values = array![
            0.1f32,
            -1.5,
            1e6,
            -1e6,
            f32::NAN,
            65504.0,
            65520.0,
            3.0e-5,
            -0.0
        ];
        let t = Tensor::<Wgpu, 1>::from_ndarray_as(&values, &device(), DType::F32, Casting::No)
            .expect("f32");
        let host = t
            .to_ndarray_dyn_with::<f16>(Casting::SameKind)
            .expect("host");
        let device_cast = t
            .clone()
            .into_ndarray_narrow::<f16>(Casting::SameKind)
            .expect("narrow");
        // Bit-identical, except that a NaN may come back with another payload: an H100's
        // Vulkan driver returns 0x7fff where the host cast (and lavapipe) give 0x7e00.
        let bits = |a: &ArrayD<f16>| {
            a.iter()
                .map(|x| (!x.is_nan()).then(|| x.to_bits()))
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&device_cast), bits(&host));
        let bf_bits = |a: &ArrayD<bf16>| a.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        // bf16 is not supported on lavapipe: the same call falls back to the host cast.
        let b = t
            .clone()
            .into_ndarray_narrow::<bf16>(Casting::SameKind)
            .expect("bf16");
        let host_bf16 = t
            .to_ndarray_dyn_with::<bf16>(Casting::SameKind)
            .expect("host bf16");
        assert_eq!(bf_bits(&b), bf_bits(&host_bf16));
        // Exact keeps the host path, so the first inexact value is still named.
        assert!(matches!(
            t.into_ndarray_narrow::<f16>(Casting::Exact),
            Err(Error::Inexact { .. })
        ));
    }

    #[test]
    fn bool_narrowing_gives_zero_and_one() {
        let t = Tensor::<Wgpu, 1, Bool>::from_ndarray(&array![true, false, true], &device())
            .expect("bool");
        assert_eq!(
            t.into_ndarray_narrow::<u8>(Casting::Safe)
                .expect("u8")
                .into_iter()
                .collect::<Vec<_>>(),
            vec![1, 0, 1]
        );
    }
}
