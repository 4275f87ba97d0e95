//! The conformance suite on burn-flex 0.21 (the Burn 0.21 release of the CPU backend that Burn
//! 0.22 makes its own), plain and under `Autodiff`, and its direct read (feature `flex`).
#![cfg(feature = "flex-0-21")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(burn_0_21: burn_flex::Flex, burn_flex::FlexDevice, super::Expect::FLEX);
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_autodiff::Autodiff<burn_flex::Flex>,
        burn_flex::FlexDevice,
        super::Expect::FLEX,
        autodiff
    );
}

/// What the direct read of burn-flex 0.21 tensors guarantees.
mod direct {
    use burn021::tensor::{Tensor, TensorData, TensorPrimitive};
    use burn_autodiff::Autodiff;
    use burn_flex::{Flex, FlexDevice};
    use burn_nd::ndarray::{s, Array2, Array3};
    use burn_nd::prelude::*;

    /// The address of a plain flex tensor's storage.
    fn storage_address(t: &Tensor<Flex, 2>) -> *const u8 {
        match t.clone().into_primitive() {
            TensorPrimitive::Float(flex) => flex.bytes().as_ptr(),
            TensorPrimitive::QFloat(_) => unreachable!("not quantized"),
        }
    }

    /// A unique, contiguous tensor read as its own dtype hands its buffer over, plain and
    /// under Autodiff; a shared one is copied; strided ones made by Burn ops read in order.
    #[test]
    fn unique_buffers_are_handed_over_and_views_read_in_order() {
        let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
        let t = Tensor::<Flex, 2>::from_data(TensorData::new(values, [64, 64]), &FlexDevice);
        let address = storage_address(&t);
        let shared: Array2<f32> = t.to_ndarray().expect("shared");
        assert_ne!(
            shared.as_ptr() as *const u8,
            address,
            "a shared read copies"
        );
        let ad = Tensor::<Autodiff<Flex>, 2>::from_inner(t.clone());
        let a: Array2<f32> = t.into_ndarray().expect("into");
        assert_ne!(
            a.as_ptr() as *const u8,
            address,
            "the Autodiff tensor still shares the buffer"
        );
        let inner = ad.inner();
        let address = storage_address(&inner);
        let b: Array2<f32> = Tensor::<Autodiff<Flex>, 2>::from_inner(inner)
            .into_ndarray()
            .expect("autodiff into");
        assert_eq!(b.as_ptr() as *const u8, address, "Autodiff: no copy");
        assert_eq!(a, shared);
        assert_eq!(b, shared);

        let cube = Tensor::<Flex, 3>::from_data(
            TensorData::new((0..24).map(|i| i as f32).collect::<Vec<_>>(), [2, 3, 4]),
            &FlexDevice,
        );
        let expected = cube.to_ndarray::<f32>().expect("cube");
        let permuted: Array3<f64> = cube.clone().permute([2, 0, 1]).to_ndarray().expect("p");
        assert_eq!(
            permuted,
            expected.clone().permuted_axes([2, 0, 1]).mapv(f64::from)
        );
        let flipped: Array3<f32> = cube.flip([1]).to_ndarray().expect("flip");
        assert_eq!(flipped, expected.slice(s![.., ..;-1, ..]));
    }
}
