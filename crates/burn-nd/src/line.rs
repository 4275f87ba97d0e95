//! What a Burn release supplies to burn-nd: the [`Line`] trait. Everything that converts
//! (`convert/`) is written once as generic code over it; each line's folder (`lines/`)
//! implements it by hand for its own `DType`, `TensorData` and `Bytes`, and adds the public
//! traits for its own `Tensor` type.

use std::ops::DerefMut;

use crate::{DTypeLike, Error, NdDType, NdElement};

/// How a Burn dtype stores bools: as `bool` bytes, as `u8` or as `u32` (Burn's `BoolStore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolStore {
    /// One byte holding 0 or 1.
    Native,
    /// A `u8` holding 0 or 1.
    U8,
    /// A `u32` holding 0 or 1.
    U32,
}

/// A Burn release line's data types and the few calls burn-nd makes on them. Implemented once
/// per line (a unit type in `lines/<line>/mod.rs`); adding a Burn release means implementing
/// this for it, plus that release's public trait impls for its `Tensor`.
pub(crate) trait Line {
    /// The line's `DType`.
    type DType: DTypeLike + PartialEq + From<NdDType>;
    /// The line's `TensorData`.
    type Data;
    /// The line's `Bytes`: a tensor's values in host memory (or a lazy read-back of them).
    type Bytes: DerefMut<Target = [u8]> + Send + 'static;

    /// How `dtype` stores bools, or `None` for a dtype that is not a bool.
    fn bool_store(dtype: Self::DType) -> Option<BoolStore>;

    /// The data's bytes, shape and storage dtype.
    fn into_parts(data: Self::Data) -> (Self::Bytes, Vec<usize>, Self::DType);
    /// The data's shape.
    fn shape(data: &Self::Data) -> &[usize];
    /// Data of `bytes`, holding `dtype` elements of `shape` (checked by the caller).
    fn from_bytes(bytes: Self::Bytes, shape: Vec<usize>, dtype: Self::DType) -> Self::Data;

    /// `values` as bytes, the vector's buffer handed over without a copy.
    fn bytes_from_vec<E: NdElement>(values: Vec<E>) -> Self::Bytes;
    /// `bytes` as Burn's bytes, moved into an allocation aligned for every element type
    /// (Burn's `Bytes::from_bytes_vec`): a `Vec<u8>` itself promises only byte alignment.
    fn bytes_from_byte_vec(bytes: Vec<u8>) -> Self::Bytes;
    /// Bytes over `bytes`'s memory, shared with its owner, which they keep alive.
    fn bytes_from_shared(bytes: bytes::Bytes) -> Self::Bytes;
    /// The bytes as a vector of `E` without a copy, where the buffer was allocated as one;
    /// the bytes back otherwise.
    fn bytes_into_vec<E: NdElement>(bytes: Self::Bytes) -> Result<Vec<E>, Self::Bytes>;
    /// Loads `bytes` into host memory (a lazy device read-back or file is read here): an
    /// `Err` where the read fails, never the panic a `Deref` of the bytes would give.
    fn load_host_bytes(bytes: &Self::Bytes) -> Result<(), Error>;
    /// Loads `bytes` and says whether they are heap memory only they reach, at one address
    /// however they move, so a [`HostBuffer`](crate::HostBuffer) may take them over without a
    /// copy: Burn's own allocations, never memory shared with another owner (a NumPy array),
    /// a device's staging buffer or a file.
    fn exclusive_host_bytes(bytes: &mut Self::Bytes) -> Result<bool, Error>;
}

/// The element type a `dtype` tensor's bytes hold: bools as the integers they are stored as
/// (native bool bytes as `u8`, which does not trust them to be 0 or 1, and 0/1 casts to every
/// type as false/true would), `Flex32` as f32; a quantized dtype is [`Error::Quantized`].
pub(crate) fn stored<L: Line>(dtype: L::DType) -> Result<NdDType, Error> {
    Ok(match L::bool_store(dtype) {
        Some(BoolStore::Native | BoolStore::U8) => NdDType::U8,
        Some(BoolStore::U32) => NdDType::U32,
        None => crate::check::logical_dtype(dtype)?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{can_cast, Casting};

    /// Every dtype maps to the line's `DType` and back; every bool store (the line's bool
    /// dtypes, each with its store) is `Bool`; the stored element types are the integers bools
    /// are kept as. Called by each line's tests.
    pub(crate) fn dtypes_map_both_ways<L: Line>(bools: [(L::DType, BoolStore); 3]) {
        for dtype in NdDType::ALL {
            let burn = L::DType::from(dtype);
            assert_eq!(burn.as_nd_dtype(), Some(dtype));
            assert!(dtype == burn.as_nd_dtype().unwrap_or(NdDType::Bool));
        }
        for (bool_dtype, store) in bools {
            let element = if store == BoolStore::U32 {
                NdDType::U32
            } else {
                NdDType::U8
            };
            assert_eq!(bool_dtype.as_nd_dtype(), Some(NdDType::Bool));
            assert_eq!(L::bool_store(bool_dtype), Some(store));
            assert_eq!(stored::<L>(bool_dtype).unwrap(), element);
            // How Burn stores a bool does not change what a cast may do.
            assert!(can_cast(bool_dtype, NdDType::Bool, Casting::No));
            assert!(can_cast(bool_dtype, NdDType::U8, Casting::Safe));
        }
        assert_eq!(L::bool_store(L::DType::from(NdDType::U8)), None);
        assert!(can_cast(
            L::DType::from(NdDType::F32),
            L::DType::from(NdDType::F64),
            Casting::Safe
        ));
        assert!(!can_cast(
            L::DType::from(NdDType::F64),
            NdDType::F32,
            Casting::Safe
        ));
    }
}
