//! Burn 0.22's `DType` beside burn-nd's [`NdDType`](crate::NdDType): conversions both ways,
//! comparison, and [`DTypeLike`](crate::DTypeLike) so every dtype argument takes either.

burn_dtype_impls!(burn22::tensor);

#[cfg(test)]
mod tests {
    use burn22::tensor::{BoolStore, DType};

    use crate::{can_cast, Casting, NdDType};

    #[test]
    fn every_dtype_maps_to_burn_and_back() {
        for dtype in NdDType::ALL {
            assert_eq!(NdDType::try_from(DType::from(dtype)), Ok(dtype));
        }
        assert_eq!(
            NdDType::try_from(DType::Bool(BoolStore::U32)),
            Ok(NdDType::Bool)
        );
        assert_eq!(NdDType::try_from(DType::Flex32), Ok(NdDType::F32));
        let q = DType::QFloat(burn22::tensor::quantization::QuantScheme::default());
        assert_eq!(NdDType::try_from(q), Err(q));
        assert_ne!(NdDType::F32, DType::F64);
    }

    /// One `can_cast` serves both lines: it takes this line's `DType` too.
    #[test]
    fn can_cast_takes_this_lines_dtype() {
        assert!(can_cast(DType::F32, DType::F64, Casting::Safe));
        assert!(!can_cast(DType::F64, NdDType::F32, Casting::Safe));
        assert!(can_cast(
            DType::Bool(BoolStore::U8),
            NdDType::U8,
            Casting::Safe
        ));
    }
}
