//! The conformance suite on burn-ndarray, plain and under `Autodiff`, with burn-nd-ndarray's
//! zero-copy sharing.
#![cfg(feature = "ndarray-0-21")]

use burn_nd_conformance::Expect;

mod plain {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_ndarray::NdArray,
        burn_ndarray::NdArrayDevice::Cpu,
        super::Expect::NDARRAY,
        share_ndarray
    );
}

mod autodiff {
    burn_nd_conformance::conformance!(
        burn_0_21: burn_autodiff::Autodiff<burn_ndarray::NdArray>,
        burn_ndarray::NdArrayDevice::Cpu,
        super::Expect::NDARRAY,
        autodiff,
        share_ndarray,
        share_gradients
    );
}

mod ndarray_only {
    use burn021::tensor::quantization::{QuantScheme, QuantStore};
    use burn021::tensor::{Tensor, TensorData};
    use burn_nd::ndarray::{Array1, Array2};
    use burn_nd::prelude::*;
    use burn_ndarray::{NdArray, NdArrayDevice};

    /// A unique, contiguous tensor read as its own dtype hands its buffer over: same address.
    #[test]
    fn into_ndarray_reuses_a_unique_buffer() {
        let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
        let address = values.as_ptr();
        let t =
            Tensor::<NdArray, 2>::from_data(TensorData::new(values, [64, 64]), &NdArrayDevice::Cpu);
        let a: Array2<f32> = t.into_ndarray().expect("into");
        assert_eq!(
            a.as_ptr(),
            address,
            "the array must reuse the tensor's buffer"
        );
        assert_eq!(a[[1, 0]], 64.0);
    }

    /// A shared buffer cannot be handed over; the array is a copy and the tensor stays intact.
    #[test]
    fn into_ndarray_copies_a_shared_buffer() {
        let values: Vec<i64> = (0..16).collect();
        let address = values.as_ptr();
        let t = Tensor::<NdArray, 1, burn021::tensor::Int>::from_data(
            TensorData::new(values, [16]),
            &NdArrayDevice::Cpu,
        );
        let keep = t.clone();
        let mut a: Array1<i64> = t.into_ndarray().expect("into");
        assert_ne!(a.as_ptr(), address);
        a[0] = 99;
        assert_eq!(keep.into_data().to_vec::<i64>().expect("i64")[0], 0);
    }

    #[test]
    fn quantized_tensors_are_refused() {
        let t = Tensor::<NdArray, 1>::from_floats([1.0, -2.0, 3.0], &NdArrayDevice::Cpu)
            .quantize_dynamic(&QuantScheme {
                store: QuantStore::Native,
                ..QuantScheme::default()
            });
        let err = t.to_ndarray::<f32>().expect_err("quantized");
        assert!(matches!(err, Error::Quantized { .. }), "{err:?}");
        assert!(err.to_string().contains("dequantize()"), "{err}");
        let back: Array1<f32> = t.dequantize().into_ndarray().expect("dequantized");
        assert!((back[2] - 3.0).abs() < 0.1);
    }
}
