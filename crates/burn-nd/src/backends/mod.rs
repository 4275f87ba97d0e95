//! One home per CPU backend whose memory burn-nd reads in place: everything burn-nd knows
//! about it, on every Burn line that has it, behind the [`HostStorage`](crate::storage::HostStorage)
//! seam (its direct read, copy into a caller's array, and the contract of its memory), plus
//! what only that backend offers (views, zero-copy sharing).

#[cfg(any(feature = "burn-0-22", feature = "flex-0-21"))]
pub(crate) mod flex;
#[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
pub(crate) mod ndarray;
#[cfg(any(feature = "tch-0-21", feature = "tch-0-22"))]
pub(crate) mod tch;
