//! Burn 0.22's `DType` beside burn-nd's [`NdDType`](crate::NdDType): conversions both ways,
//! comparison, and [`DTypeLike`](crate::DTypeLike) so every dtype argument takes either.

burn_dtype_impls!(burn::tensor);
