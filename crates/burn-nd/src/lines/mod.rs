//! The Burn release lines burn-nd serves, one folder each: an adapter that implements
//! [`Line`](crate::line::Line) for that release and burn-nd's public traits for its `Tensor`
//! type. Public here: the marker types naming a line in [`ModuleParams`](crate::ModuleParams),
//! which the compiler infers.
//!
//! Adding a Burn release: CONTRIBUTING.md, "Add a Burn line".

#[cfg(feature = "burn-0-21")]
pub(crate) mod burn_0_21;
#[cfg(feature = "burn-0-22")]
pub(crate) mod burn_0_22;

#[cfg(feature = "burn-0-21")]
pub use burn_0_21::Burn021;
#[cfg(feature = "burn-0-22")]
pub use burn_0_22::Burn022;

/// The public items only one line has, re-exported at the crate root.
pub(crate) mod line_items {
    #[cfg(feature = "burn-0-22")]
    pub use super::burn_0_22::kind::{kinds, NdKind};
    #[cfg(feature = "burn-0-22")]
    pub use super::burn_0_22::view::{AsNdarrayView, HostView};
}
