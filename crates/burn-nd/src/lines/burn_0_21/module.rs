//! Every parameter of a Burn 0.21 `Module` to named [`DynArray`](crate::DynArray)s and back
//! (see [`module_to_arrays`](crate::module_to_arrays)).

line_module_impls! {
    burn: burn021,
    generics: [B: burn021::tensor::backend::Backend],
    module_args: [B],
    tensor_prefix: [B,],
    kind_bound: [burn021::tensor::BasicOps<B>],
    marker: super::Burn021<B>,
}
