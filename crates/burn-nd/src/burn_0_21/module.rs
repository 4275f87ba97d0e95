//! Every parameter of a Burn `Module` to a map of named [`DynArray`]s and back.

use std::collections::{BTreeMap, BTreeSet};

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::backend::Backend;
use burn::tensor::{BasicOps, Bool, Int, Tensor};

use crate::{Casting, DynArray, Error};

/// Tracks the dotted path of the parameter being visited (`encoder.0.weight`), from the
/// `enter_module` / `exit_module` calls Burn's derive makes for every field.
#[derive(Default)]
struct Path(Vec<String>);

impl Path {
    fn enter(&mut self, name: &str) {
        self.0.push(name.to_owned());
    }

    fn exit(&mut self) {
        self.0.pop();
    }

    fn name(&self) -> String {
        self.0.join(".")
    }
}

struct Collect {
    path: Path,
    arrays: BTreeMap<String, DynArray>,
    error: Option<Error>,
}

impl Collect {
    fn add<B: Backend, const D: usize, K: BasicOps<B>>(&mut self, tensor: Tensor<B, D, K>)
    where
        K::Primitive: 'static,
    {
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
}

impl<B: Backend> ModuleVisitor<B> for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        self.add(param.val());
    }

    fn visit_int<const D: usize>(&mut self, param: &Param<Tensor<B, D, Int>>) {
        self.add(param.val());
    }

    fn visit_bool<const D: usize>(&mut self, param: &Param<Tensor<B, D, Bool>>) {
        self.add(param.val());
    }

    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.enter(name);
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.exit();
    }
}

/// Every parameter of `module` (float, int and bool; `Option` fields that are `None` have
/// none) as a [`DynArray`] with its dtype, keyed by its dotted field path as PyTorch's
/// `state_dict` names them: `fc1.weight`, `layers.0.bias`.
///
/// ```
/// use burn::module::Module;
/// use burn::nn::{Linear, LinearConfig};
/// use burn::tensor::DType;
/// use burn_ndarray::NdArray;
///
/// #[derive(Module, Debug)]
/// struct Net<B: burn::tensor::backend::Backend> {
///     fc1: Linear<B>,
///     fc2: Linear<B>,
/// }
///
/// let device = Default::default();
/// let net = Net::<NdArray> {
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
pub fn module_to_arrays<B: Backend, M: Module<B>>(
    module: &M,
) -> Result<BTreeMap<String, DynArray>, Error> {
    let mut collect = Collect {
        path: Path::default(),
        arrays: BTreeMap::new(),
        error: None,
    };
    module.visit(&mut collect);
    match collect.error {
        Some(error) => Err(error),
        None => Ok(collect.arrays),
    }
}

struct Load<'a> {
    path: Path,
    arrays: &'a BTreeMap<String, DynArray>,
    casting: Casting,
    missing: Vec<String>,
    used: BTreeSet<&'a str>,
    errors: Vec<Error>,
}

impl Load<'_> {
    /// The parameter's new value, or the old one with the failure recorded.
    fn load<B: Backend, const D: usize, K: BasicOps<B>>(
        &mut self,
        old: Tensor<B, D, K>,
    ) -> Tensor<B, D, K> {
        let name = self.path.name();
        let Some((key, array)) = self.arrays.get_key_value(&name) else {
            self.missing.push(name);
            return old;
        };
        self.used.insert(key);
        let expected = old.shape().to_vec();
        let loaded = if array.shape() != expected.as_slice() {
            Err(Error::Shape {
                expected,
                found: array.shape().to_vec(),
            })
        } else {
            array.to_tensor_as(&old.device(), old.dtype(), self.casting)
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
}

impl<B: Backend> ModuleMapper<B> for Load<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.enter(name);
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        let (id, tensor, mapper) = param.consume();
        let require_grad = tensor.is_require_grad();
        let tensor = self.load(tensor).set_require_grad(require_grad);
        Param::from_mapped_value(id, tensor, mapper)
    }

    fn map_int<const D: usize>(
        &mut self,
        param: Param<Tensor<B, D, Int>>,
    ) -> Param<Tensor<B, D, Int>> {
        let (id, tensor, mapper) = param.consume();
        Param::from_mapped_value(id, self.load(tensor), mapper)
    }

    fn map_bool<const D: usize>(
        &mut self,
        param: Param<Tensor<B, D, Bool>>,
    ) -> Param<Tensor<B, D, Bool>> {
        let (id, tensor, mapper) = param.consume();
        Param::from_mapped_value(id, self.load(tensor), mapper)
    }
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
/// use burn::module::Module;
/// use burn::nn::{Linear, LinearConfig};
/// use burn_nd::{Casting, DynArray, Error};
/// use burn_nd::ndarray::ArrayD;
/// use burn_ndarray::NdArray;
///
/// let device = Default::default();
/// let a: Linear<NdArray> = LinearConfig::new(2, 2).init(&device);
/// let b: Linear<NdArray> = LinearConfig::new(2, 2).init(&device);
/// let b = burn_nd::module_from_arrays(b, &burn_nd::module_to_arrays(&a)?, Casting::No)?;
/// assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
///
/// let mut params = burn_nd::module_to_arrays(&a)?;
/// params.insert("weight".into(), DynArray::from(ArrayD::<f32>::zeros(vec![3, 2])));
/// let err = burn_nd::module_from_arrays(a, &params, Casting::No).unwrap_err();
/// assert!(matches!(err, Error::Param { ref name, .. } if name == "weight"));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn module_from_arrays<B: Backend, M: Module<B>>(
    module: M,
    arrays: &BTreeMap<String, DynArray>,
    casting: Casting,
) -> Result<M, Error> {
    let mut load = Load {
        path: Path::default(),
        arrays,
        casting,
        missing: Vec::new(),
        used: BTreeSet::new(),
        errors: Vec::new(),
    };
    let module = module.map(&mut load);
    let unexpected: Vec<String> = arrays
        .keys()
        .filter(|k| !load.used.contains(k.as_str()))
        .cloned()
        .collect();
    if !load.missing.is_empty() || !unexpected.is_empty() {
        return Err(Error::Keys {
            missing: load.missing,
            unexpected,
            failed: load.errors,
        });
    }
    match load.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(module),
    }
}
