//! Every parameter of a Burn `Module` to a map of named [`DynArray`]s and back: the walk's
//! bookkeeping (dotted names, first error, strict key check), written once. Each Burn line's
//! visitor and mapper, which only differ in how a parameter's tensor is spelled, call it.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Casting, DynArray, Error, FromNdarray, ToNdarray};

/// A Burn `Module` of either line (every module, derived or built in): what
/// [`module_to_arrays`] and [`module_from_arrays`] take. `L` is one of the [`lines`](crate::lines)
/// markers, inferred from the module; no code needs to name it.
pub trait ModuleParams<L>: Sized {
    /// See [`module_to_arrays`].
    #[doc(hidden)]
    fn collect_arrays(&self) -> Result<BTreeMap<String, DynArray>, Error>;

    /// See [`module_from_arrays`].
    #[doc(hidden)]
    fn load_arrays(
        self,
        arrays: &BTreeMap<String, DynArray>,
        casting: Casting,
    ) -> Result<Self, Error>;
}

/// Every parameter of `module` (float, int and bool; `Option` fields that are `None` have
/// none) as a [`DynArray`] with its dtype, keyed by its dotted field path as PyTorch's
/// `state_dict` names them: `fc1.weight`, `layers.0.bias`.
///
/// ```
/// use burn::module::Module;
/// use burn::nn::{Linear, LinearConfig};
/// use burn::tensor::{DType, Device};
///
/// #[derive(Module, Debug)]
/// struct Net {
///     fc1: Linear,
///     fc2: Linear,
/// }
///
/// let device = Device::flex();
/// let net = Net {
///     fc1: LinearConfig::new(4, 3).init(&device),
///     fc2: LinearConfig::new(3, 1).with_bias(false).init(&device),
/// };
/// let params = burn_nd::module_to_arrays(&net)?;
/// let names: Vec<&str> = params.keys().map(String::as_str).collect();
/// assert_eq!(names, ["fc1.bias", "fc1.weight", "fc2.weight"]);
/// assert_eq!(params["fc1.weight"].shape(), &[4, 3]);
/// assert_eq!(params["fc1.weight"].dtype(), DType::F32);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn module_to_arrays<L, M: ModuleParams<L>>(
    module: &M,
) -> Result<BTreeMap<String, DynArray>, Error> {
    module.collect_arrays()
}

/// Loads every parameter of `module` from `arrays` (named as [`module_to_arrays`] names
/// them), each cast to the parameter's own dtype under `casting` and placed on its device;
/// parameters that required gradients still do.
///
/// Strict, like PyTorch's `load_state_dict`: a parameter with no array, or an array no
/// parameter takes, is an [`Error::Keys`] listing all of them (and every parameter that failed
/// to load besides); otherwise an array of the wrong shape or a cast that `casting` forbids is
/// an [`Error::Param`] naming the first such parameter.
///
/// ```
/// use burn::nn::{Linear, LinearConfig};
/// use burn::tensor::Device;
/// use burn_nd::{Casting, DynArray, Error};
/// use burn_nd::ndarray::ArrayD;
///
/// let device = Device::flex();
/// let a: Linear = LinearConfig::new(2, 2).init(&device);
/// let b: Linear = LinearConfig::new(2, 2).init(&device);
/// let b = burn_nd::module_from_arrays(b, &burn_nd::module_to_arrays(&a)?, Casting::No)?;
/// assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
///
/// let mut params = burn_nd::module_to_arrays(&a)?;
/// params.insert("weight".into(), DynArray::from(ArrayD::<f32>::zeros(vec![3, 2])));
/// let err = burn_nd::module_from_arrays(a, &params, Casting::No).unwrap_err();
/// assert!(matches!(err, Error::Param { ref name, .. } if name == "weight"));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn module_from_arrays<L, M: ModuleParams<L>>(
    module: M,
    arrays: &BTreeMap<String, DynArray>,
    casting: Casting,
) -> Result<M, Error> {
    module.load_arrays(arrays, casting)
}

/// Tracks the dotted path of the parameter being visited (`encoder.0.weight`), from the
/// `enter_module` / `exit_module` calls Burn's derive makes for every field.
#[derive(Default)]
pub(crate) struct Path(Vec<String>);

impl Path {
    pub(crate) fn enter(&mut self, name: &str) {
        self.0.push(name.to_owned());
    }

    pub(crate) fn exit(&mut self) {
        self.0.pop();
    }

    fn name(&self) -> String {
        self.0.join(".")
    }
}

/// What a line's `ModuleVisitor` gathers: every parameter read as it is, or the first error.
#[derive(Default)]
pub(crate) struct Collect {
    pub(crate) path: Path,
    arrays: BTreeMap<String, DynArray>,
    error: Option<Error>,
}

impl Collect {
    /// Adds the parameter at the current path.
    pub(crate) fn add<const D: usize, T: ToNdarray<D>>(&mut self, tensor: T) {
        if self.error.is_some() {
            return;
        }
        let name = self.path.name();
        match DynArray::from_owned_tensor(tensor) {
            Ok(array) => {
                self.arrays.insert(name, array);
            }
            Err(source) => {
                self.error = Some(Error::Param {
                    name,
                    source: Box::new(source),
                })
            }
        }
    }

    pub(crate) fn finish(self) -> Result<BTreeMap<String, DynArray>, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.arrays),
        }
    }
}

/// What a line's `ModuleMapper` keeps while it replaces every parameter from `arrays`.
pub(crate) struct Load<'a> {
    pub(crate) path: Path,
    arrays: &'a BTreeMap<String, DynArray>,
    casting: Casting,
    missing: Vec<String>,
    used: BTreeSet<&'a str>,
    errors: Vec<Error>,
}

impl<'a> Load<'a> {
    pub(crate) fn new(arrays: &'a BTreeMap<String, DynArray>, casting: Casting) -> Self {
        Load {
            path: Path::default(),
            arrays,
            casting,
            missing: Vec::new(),
            used: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    /// The parameter at the current path, whose tensor `old` has `shape`, `device` and
    /// `dtype`: its new value, or `old` with the failure recorded.
    pub(crate) fn load<T: FromNdarray>(
        &mut self,
        old: T,
        shape: &[usize],
        device: &T::Device,
        dtype: T::DType,
    ) -> T {
        let name = self.path.name();
        let Some((key, array)) = self.arrays.get_key_value(&name) else {
            self.missing.push(name);
            return old;
        };
        self.used.insert(key);
        let loaded = if array.shape() != shape {
            Err(Error::Shape {
                expected: shape.to_vec(),
                found: array.shape().to_vec(),
            })
        } else {
            array.to_tensor_as(device, dtype, self.casting)
        };
        match loaded {
            Ok(tensor) => tensor,
            Err(source) => {
                self.errors.push(Error::Param {
                    name,
                    source: Box::new(source),
                });
                old
            }
        }
    }

    /// `module` after the walk, or the strict key check's error, or the first failure.
    pub(crate) fn finish<M>(self, module: M) -> Result<M, Error> {
        let unexpected: Vec<String> = self
            .arrays
            .keys()
            .filter(|k| !self.used.contains(k.as_str()))
            .cloned()
            .collect();
        if !self.missing.is_empty() || !unexpected.is_empty() {
            return Err(Error::Keys {
                missing: self.missing,
                unexpected,
                failed: self.errors,
            });
        }
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(module),
        }
    }
}

/// A line's `ModuleVisitor` and `ModuleMapper` over the bookkeeping above, and its
/// [`ModuleParams`] impl for every module: the one macro that stays where the two Burn lines'
/// traits truly differ (their generics). Named arguments: `burn` the line's crate; `generics`
/// the impls' generic parameters and `module_args` the arguments Burn's module traits take
/// (the backend on 0.21, none on 0.22); `tensor_prefix` what comes before the rank in a tensor
/// type; `kind_bound` the bound a tensor kind needs to convert; `marker` the
/// [`lines`](crate::lines) marker.
macro_rules! line_module_impls {
    (
        burn: $($burn:ident)::+,
        generics: [$($g:tt)*],
        module_args: [$($b:tt)*],
        tensor_prefix: [$($pre:tt)*],
        kind_bound: [$($kind:tt)*],
        marker: $line:ty $(,)?
    ) => {
        struct Visit($crate::convert::module::Collect);

        impl<$($g)*> $($burn)::+::module::ModuleVisitor<$($b)*> for Visit {
            fn visit_float<const D: usize>(&mut self, param: &$($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D>>) {
                self.0.add(param.val());
            }

            fn visit_int<const D: usize>(&mut self, param: &$($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Int>>) {
                self.0.add(param.val());
            }

            fn visit_bool<const D: usize>(&mut self, param: &$($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Bool>>) {
                self.0.add(param.val());
            }

            fn enter_module(&mut self, name: &str, _container_type: &str) {
                self.0.path.enter(name);
            }

            fn exit_module(&mut self, _name: &str, _container_type: &str) {
                self.0.path.exit();
            }
        }

        struct Map<'a>($crate::convert::module::Load<'a>);

        impl Map<'_> {
            fn load<const D: usize, K: $($kind)*, $($g)*>(&mut self, old: $($burn)::+::tensor::Tensor<$($pre)* D, K>) -> $($burn)::+::tensor::Tensor<$($pre)* D, K> {
                let (shape, device, dtype) = (old.shape().to_vec(), old.device(), old.dtype());
                self.0.load(old, &shape, &device, dtype)
            }
        }

        impl<$($g)*> $($burn)::+::module::ModuleMapper<$($b)*> for Map<'_> {
            fn enter_module(&mut self, name: &str, _container_type: &str) {
                self.0.path.enter(name);
            }

            fn exit_module(&mut self, _name: &str, _container_type: &str) {
                self.0.path.exit();
            }

            fn map_float<const D: usize>(&mut self, param: $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D>>) -> $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D>> {
                let (id, tensor, mapper) = param.consume();
                let require_grad = tensor.is_require_grad();
                let tensor = self.load(tensor).set_require_grad(require_grad);
                $($burn)::+::module::Param::from_mapped_value(id, tensor, mapper)
            }

            fn map_int<const D: usize>(&mut self, param: $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Int>>) -> $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Int>> {
                let (id, tensor, mapper) = param.consume();
                $($burn)::+::module::Param::from_mapped_value(id, self.load(tensor), mapper)
            }

            fn map_bool<const D: usize>(
                &mut self,
                param: $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Bool>>,
            ) -> $($burn)::+::module::Param<$($burn)::+::tensor::Tensor<$($pre)* D, $($burn)::+::tensor::Bool>> {
                let (id, tensor, mapper) = param.consume();
                $($burn)::+::module::Param::from_mapped_value(id, self.load(tensor), mapper)
            }
        }

        impl<M: $($burn)::+::module::Module<$($b)*>, $($g)*> $crate::convert::module::ModuleParams<$line> for M {
            fn collect_arrays(&self) -> Result<std::collections::BTreeMap<String, $crate::DynArray>, $crate::Error> {
                let mut visit = Visit($crate::convert::module::Collect::default());
                self.visit(&mut visit);
                visit.0.finish()
            }

            fn load_arrays(
                self,
                arrays: &std::collections::BTreeMap<String, $crate::DynArray>,
                casting: $crate::Casting,
            ) -> Result<Self, $crate::Error> {
                let mut map = Map($crate::convert::module::Load::new(arrays, casting));
                let module = self.map(&mut map);
                map.0.finish(module)
            }
        }
    };
}
