//! Burn 0.21's `DType` beside burn-nd's [`NdDType`](crate::NdDType): conversions both ways,
//! comparison, and [`DTypeLike`](crate::DTypeLike) so every dtype argument takes either.

burn_dtype_impls!(burn::tensor);

#[cfg(test)]
mod tests {
    use burn::tensor::{BoolStore, DType};

    use crate::NdDType;

    #[test]
    fn every_dtype_maps_to_burn_and_back() {
        for dtype in NdDType::ALL {
            assert_eq!(NdDType::try_from(DType::from(dtype)), Ok(dtype));
        }
        assert_eq!(
            NdDType::try_from(DType::Bool(BoolStore::U32)),
            Ok(NdDType::Bool)
        );
        let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
        assert_eq!(NdDType::try_from(q), Err(q));
        assert_ne!(NdDType::F32, DType::F64);
    }
}
