//! The conformance suite on Burn 0.22's burn-ndarray device (deprecated in 0.22, removed in 0.23),
//! plain and Autodiff, with burn-nd-ndarray's zero-copy sharing, and its direct read (feature
//! `ndarray-0-22`).
#![cfg(feature = "ndarray-0-22")]
#![allow(deprecated)]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::ndarray(),
        super::Expect::NDARRAY,
        share_ndarray
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_22: burn_nd_conformance::burn::tensor::Device::ndarray().autodiff(),
        super::Expect::NDARRAY,
        autodiff,
        share_ndarray,
        share_gradients
    );
}

/// What the direct read of burn-ndarray tensors (feature `ndarray-0-22`) guarantees.
mod direct {
    use burn_nd::ndarray::{Array2, Array3};
    use burn_nd::prelude::*;
    use burn_nd_conformance::burn::tensor::{Device, Tensor, TensorData};

    /// A unique, contiguous tensor read as its own dtype hands its buffer over, plain and on
    /// the Autodiff device; shared and permuted ones are read in logical order.
    #[test]
    fn unique_buffers_are_handed_over_and_views_read_in_order() {
        for device in [Device::ndarray(), Device::ndarray().autodiff()] {
            let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
            let address = values.as_ptr();
            let t = Tensor::<2>::from_data(TensorData::new(values, [64, 64]), &device);
            let shared: Array2<f32> = t.to_ndarray().expect("shared");
            assert_ne!(shared.as_ptr(), address, "a shared read copies");
            let a: Array2<f32> = t.into_ndarray().expect("into");
            assert_eq!(
                a.as_ptr(),
                address,
                "{device:?}: the array reuses the buffer"
            );
            assert_eq!(a, shared);

            let cube = Tensor::<3>::from_data(
                TensorData::new((0..24).map(|i| i as f32).collect::<Vec<_>>(), [2, 3, 4]),
                &device,
            );
            let permuted: Array3<f64> = cube.clone().permute([2, 0, 1]).to_ndarray().expect("p");
            let expected = cube
                .to_ndarray::<f32>()
                .expect("cube")
                .permuted_axes([2, 0, 1])
                .mapv(f64::from);
            assert_eq!(permuted, expected);
        }
    }

    /// burn-nd-ndarray shares burn-ndarray's memory only: a tensor on another device is a
    /// clear error, not a silent copy.
    #[test]
    fn sharing_a_tensor_on_another_device_is_an_error() {
        use burn_nd_ndarray::ShareNdarray;
        for device in [Device::flex(), Device::flex().autodiff()] {
            let t = Tensor::<1>::ones([3], &device);
            let err = t.to_arcarray::<f32>().expect_err("a flex tensor");
            assert!(
                matches!(
                    &err,
                    Error::NotOnBackend {
                        backend: "burn-ndarray",
                        ..
                    }
                ),
                "{err:?}"
            );
            assert!(err.to_string().contains("ToNdarray"), "{err}");
        }
        // A tensor made from an array lives on `Device::ndarray()`.
        let t = Tensor::<1>::from_array(burn_nd::ndarray::arr1(&[1.0f32])).expect("from");
        assert_eq!(t.device(), Device::ndarray());
    }
}
