//! One home per CPU backend whose memory burn-nd reads in place: everything burn-nd knows
//! about it, on every Burn line that has it, behind the [`HostStorage`](crate::storage::HostStorage)
//! seam (its direct read, copy into a caller's array, and the contract of its memory), plus
//! what only that backend offers (views, zero-copy sharing). Each is built when some line's
//! feature for it is on (the internal features `_flex`, `_ndarray`, `_tch`, which those turn
//! on), so a new line adds no `cfg` here.

#[cfg(feature = "_flex")]
pub(crate) mod flex;
#[cfg(feature = "_ndarray")]
pub(crate) mod ndarray;
#[cfg(feature = "_tch")]
pub(crate) mod tch;
