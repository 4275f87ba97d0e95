//! A direct read of burn-flex 0.21 tensors (feature `flex`): the same flex storage as on
//! Burn 0.22, read the same way (`flex_storage_reads!`): one copy or cast loop through a view
//! of the storage, where Burn's read first copies a shared or strided tensor into a new one.

flex_storage_reads!(burn_flex, burn_0_21);

/// The inner burn-flex tensor of an `Autodiff<Flex>` Float primitive.
pub(crate) fn autodiff_inner<T: 'static>(any: &dyn core::any::Any) -> Option<&T> {
    crate::burn_0_21::direct::autodiff_inner_of!(any, T; burn_flex::Flex)
}
