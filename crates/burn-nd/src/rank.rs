//! The static `ndarray` dimension type for each tensor rank.

use ndarray::{Dimension, Ix1, Ix2, Ix3, Ix4, Ix5, Ix6};

/// A tensor rank as a type, so the rank of `Tensor<B, D>` can pick an `ndarray` dimension.
///
/// ```
/// use burn_nd::{Rank, StaticRank};
/// use ndarray::Dimension;
///
/// let dim: <Rank<2> as StaticRank>::Dim = ndarray::Ix2(3, 4);
/// assert_eq!(dim.size(), 12);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Rank<const D: usize>;

/// Ranks 1 to 6, the ones `ndarray` has a static dimension type for (`Ix1` … `Ix6`).
/// Higher ranks convert through the `_dyn` methods.
///
/// ```
/// use burn_nd::{Rank, StaticRank};
/// use ndarray::Dimension;
///
/// assert_eq!(<<Rank<3> as StaticRank>::Dim as Dimension>::NDIM, Some(3));
/// ```
pub trait StaticRank {
    /// The `ndarray` dimension type of this rank.
    type Dim: Dimension;
}

macro_rules! static_rank {
    ($($d:literal => $ix:ty),*) => {$(
        impl StaticRank for Rank<$d> {
            type Dim = $ix;
        }
    )*};
}
static_rank!(1 => Ix1, 2 => Ix2, 3 => Ix3, 4 => Ix4, 5 => Ix5, 6 => Ix6);
