//! Burn 0.21's `DType` beside burn-nd's [`NdDType`]: conversions both ways, comparison, and
//! [`DTypeLike`] so every dtype argument takes either.

use burn::tensor::{BoolStore, DType};

use crate::{DTypeLike, NdDType};

macro_rules! burn_dtype_map {
    ((), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        impl TryFrom<DType> for NdDType {
            /// A quantized dtype, which has no `NdDType`.
            type Error = DType;

            /// The logical dtype of a Burn dtype: every bool store is `Bool`, `Flex32` is `F32`.
            fn try_from(dtype: DType) -> Result<Self, DType> {
                Ok(match dtype {
                    DType::Flex32 => NdDType::F32,
                    DType::Bool(_) => NdDType::Bool,
                    $(DType::$v => NdDType::$v,)*
                    DType::QFloat(_) => return Err(dtype),
                })
            }
        }

        impl From<NdDType> for DType {
            /// The Burn dtype that stores it natively (`DType::Bool(BoolStore::Native)` for bool).
            fn from(dtype: NdDType) -> Self {
                match dtype {
                    NdDType::Bool => DType::Bool(BoolStore::Native),
                    $(NdDType::$v => DType::$v,)*
                }
            }
        }
    };
}
// `Bool` is matched above with its store, so it leaves the list here.
dtypes!(filter_dtypes, no_bool, burn_dtype_map, ());

impl DTypeLike for DType {
    fn as_nd_dtype(&self) -> Option<NdDType> {
        NdDType::try_from(*self).ok()
    }
}

/// Equal when Burn's dtype holds the same logical values (any bool store, `Flex32` as f32).
impl PartialEq<DType> for NdDType {
    fn eq(&self, other: &DType) -> bool {
        other.as_nd_dtype() == Some(*self)
    }
}

/// Equal when Burn's dtype holds the same logical values (any bool store, `Flex32` as f32).
impl PartialEq<NdDType> for DType {
    fn eq(&self, other: &NdDType) -> bool {
        other == self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
