//! Every parameter of a Burn 0.21 `Module` to named [`DynArray`](crate::DynArray)s and back
//! (see [`module_to_arrays`](crate::module_to_arrays)).

line_module_impls!(
    burn021,
    [B: burn021::tensor::backend::Backend],
    [B],
    [B,],
    [burn021::tensor::BasicOps<B>],
    crate::base::module::lines::Burn021<B>
);
