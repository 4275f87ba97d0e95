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

impl StaticRank for Rank<1> {
    type Dim = Ix1;
}

impl StaticRank for Rank<2> {
    type Dim = Ix2;
}

impl StaticRank for Rank<3> {
    type Dim = Ix3;
}

impl StaticRank for Rank<4> {
    type Dim = Ix4;
}

impl StaticRank for Rank<5> {
    type Dim = Ix5;
}

impl StaticRank for Rank<6> {
    type Dim = Ix6;
}
