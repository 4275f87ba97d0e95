//! Every parameter of a Burn 0.22 `Module` to named [`DynArray`](crate::DynArray)s and back
//! (see [`module_to_arrays`](crate::module_to_arrays)).

line_module_impls! {
    burn: burn,
    generics: [],
    module_args: [],
    tensor_prefix: [],
    kind_bound: [super::kind::NdKind],
    marker: super::Burn022,
}
