//! What burn-nd does, written once for every Burn line as generic code over
//! [`Line`](crate::line::Line) and the [`HostStorage`](crate::storage::HostStorage) seam:
//! tensor → array (`to`), array → tensor (`from`), a line's `TensorData` both ways (`data`),
//! modules (`module`), the awaited and batched read-backs (`readback`) and the read that
//! narrows on the device first (`narrow`).

pub(crate) mod data;
pub(crate) mod from;
#[macro_use]
pub(crate) mod module;
pub(crate) mod narrow;
pub(crate) mod readback;
pub(crate) mod to;
