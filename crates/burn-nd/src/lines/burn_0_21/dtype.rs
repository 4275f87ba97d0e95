//! Burn 0.21's `DType` beside burn-nd's [`NdDType`]: conversions both ways, comparison,
//! and [`DTypeLike`] so every dtype argument takes either. Written out by hand: the orphan rule
//! puts these impls in this crate, and each Burn release spells its `DType` its own way.

use burn021::tensor::{BoolStore, DType};

use crate::line::BoolStore as Store;
use crate::{DTypeLike, NdDType};

impl TryFrom<DType> for NdDType {
    /// A quantized dtype, which has no `NdDType`.
    type Error = DType;

    /// The logical dtype of a Burn dtype: every bool store is `Bool`, `Flex32` is `F32`.
    fn try_from(dtype: DType) -> Result<Self, Self::Error> {
        use DType as D;
        Ok(match dtype {
            D::F64 => NdDType::F64,
            D::F32 => NdDType::F32,
            D::F16 => NdDType::F16,
            D::BF16 => NdDType::BF16,
            D::I64 => NdDType::I64,
            D::I32 => NdDType::I32,
            D::I16 => NdDType::I16,
            D::I8 => NdDType::I8,
            D::U64 => NdDType::U64,
            D::U32 => NdDType::U32,
            D::U16 => NdDType::U16,
            D::U8 => NdDType::U8,
            D::Flex32 => NdDType::F32,
            D::Bool(_) => NdDType::Bool,
            D::QFloat(_) => return Err(dtype),
        })
    }
}

impl From<NdDType> for DType {
    /// The Burn dtype that stores it natively (`DType::Bool(BoolStore::Native)` for bool).
    fn from(dtype: NdDType) -> Self {
        use DType as D;
        match dtype {
            NdDType::F64 => D::F64,
            NdDType::F32 => D::F32,
            NdDType::F16 => D::F16,
            NdDType::BF16 => D::BF16,
            NdDType::I64 => D::I64,
            NdDType::I32 => D::I32,
            NdDType::I16 => D::I16,
            NdDType::I8 => D::I8,
            NdDType::U64 => D::U64,
            NdDType::U32 => D::U32,
            NdDType::U16 => D::U16,
            NdDType::U8 => D::U8,
            NdDType::Bool => D::Bool(BoolStore::Native),
        }
    }
}

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

/// How `dtype` stores bools, for the [`Line`](crate::line::Line) impl.
pub(super) fn bool_store(dtype: DType) -> Option<Store> {
    match dtype {
        DType::Bool(BoolStore::Native) => Some(Store::Native),
        DType::Bool(BoolStore::U8) => Some(Store::U8),
        DType::Bool(BoolStore::U32) => Some(Store::U32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use burn021::tensor::{quantization::QuantScheme, DType};

    use crate::NdDType;

    #[test]
    fn quantized_and_flex32_dtypes() {
        assert_eq!(NdDType::try_from(DType::Flex32), Ok(NdDType::F32));
        let q = DType::QFloat(QuantScheme::default());
        assert_eq!(NdDType::try_from(q), Err(q));
        assert_ne!(NdDType::F32, DType::F64);
    }
}
