//! `.npy` / `.npz` files of tensors and modules, for both Burn lines (written on
//! [`ToNdarray`] / [`FromNdarray`] and [`ModuleParams`]).

use std::path::Path;

use crate::convert::module::ModuleParams;
use crate::npy::{read_npy, read_npz, write_npy, write_npz};
use crate::{
    module_from_arrays, module_to_arrays, Casting, DynArray, Error, FromNdarray, NdElement,
    ToNdarray,
};

/// `.npy` files for tensors: `tensor.write_npy(path)` and `Tensor::read_npy(path, &device)`.
///
/// ```
/// use burn::tensor::{Device, Int, Tensor};
/// use burn_nd::npy::NpyTensor;
///
/// let device = Device::flex();
/// let path = std::env::temp_dir().join("burn_nd_doc_tensor.npy");
/// let t = Tensor::<2, Int>::from_ints([[1, 2], [3, 4]], &device);
/// t.write_npy(&path)?;
/// let back = Tensor::<2, Int>::read_npy(&path, &device)?;
/// assert_eq!(back.dtype(), t.dtype()); // flex: i32 by default
/// assert_eq!(back.into_data(), t.into_data());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub trait NpyTensor<const D: usize>: ToNdarray<D> + FromNdarray + Clone {
    /// Writes the tensor, in its own dtype, to the `.npy` file `path` (one read-back; a
    /// bf16 tensor is an [`Error::NotInNumpy`]: widen it with `write_npy_as`).
    fn write_npy(&self, path: impl AsRef<Path>) -> Result<(), Error>;

    /// Writes the tensor cast to `E` under `casting`: `write_npy_as::<f32>(path,
    /// Casting::Safe)` is how a bf16 tensor is saved for NumPy.
    ///
    /// ```
    /// use burn::tensor::{DType, Device, Tensor};
    /// use burn_nd::{npy::{self, NpyTensor}, Casting, Error, FromNdarray};
    /// use burn_nd::ndarray::array;
    ///
    /// let path = std::env::temp_dir().join("burn_nd_doc_write_as.npy");
    /// let t = Tensor::<1>::from_ndarray_as(&array![1.5f64], &Device::flex(), DType::F64, Casting::No)?;
    /// assert!(matches!(t.write_npy_as::<f32>(&path, Casting::Safe), Err(Error::Casting { .. })));
    /// t.write_npy_as::<f32>(&path, Casting::SameKind)?;
    /// assert_eq!(npy::read_npy(&path)?.dtype(), DType::F32);
    /// # Ok::<_, Error>(())
    /// ```
    fn write_npy_as<E: NdElement>(
        &self,
        path: impl AsRef<Path>,
        casting: Casting,
    ) -> Result<(), Error>;

    /// Reads the `.npy` file `path` into a tensor of the file's dtype on `device`: the
    /// tensor kind must hold that dtype and the backend support it ([`Error::Unsupported`]),
    /// and the rank must match ([`Error::Rank`]).
    fn read_npy(path: impl AsRef<Path>, device: &Self::Device) -> Result<Self, Error>;
}

impl<const D: usize, T: ToNdarray<D> + FromNdarray + Clone> NpyTensor<D> for T {
    fn write_npy(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        write_npy(path, &DynArray::from_tensor(self)?)
    }

    fn write_npy_as<E: NdElement>(
        &self,
        path: impl AsRef<Path>,
        casting: Casting,
    ) -> Result<(), Error> {
        let array = DynArray::from_tensor(self)?.cast(E::DTYPE, casting)?;
        write_npy(path, &array)
    }

    fn read_npy(path: impl AsRef<Path>, device: &T::Device) -> Result<Self, Error> {
        read_npy(path)?.to_tensor(device)
    }
}

/// Saves every parameter of `module` to the `.npz` file `path`, named as
/// [`module_to_arrays`] names them (`fc1.weight`), so `np.load(path)["fc1.weight"]` works.
/// A bf16 parameter is an [`Error::Param`] wrapping [`Error::NotInNumpy`].
///
/// ```
/// use burn::nn::{Linear, LinearConfig};
/// use burn::tensor::Device;
/// use burn_nd::{npy, Casting};
///
/// let device = Device::flex();
/// let path = std::env::temp_dir().join("burn_nd_doc_module.npz");
/// let a: Linear = LinearConfig::new(3, 2).init(&device);
/// npy::save_module_npz(&a, &path)?;
/// let b: Linear = npy::load_module_npz(LinearConfig::new(3, 2).init(&device), &path, Casting::No)?;
/// assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn save_module_npz<L, M: ModuleParams<L>>(
    module: &M,
    path: impl AsRef<Path>,
) -> Result<(), Error> {
    write_npz(path, &module_to_arrays(module)?, false)
}

/// Loads every parameter of `module` from the `.npz` file `path` (see [`module_from_arrays`]
/// for the rules: strict names, exact shapes, each cast to the parameter's dtype under
/// `casting`).
///
/// ```
/// use burn::tensor::Device;
/// use burn::nn::LinearConfig;
/// use burn_nd::{npy, Casting, Error};
///
/// let device = Device::flex();
/// let path = std::env::temp_dir().join("burn_nd_doc_module_wrong.npz");
/// npy::save_module_npz(&LinearConfig::new(3, 2).init(&device), &path)?;
/// let err = npy::load_module_npz(LinearConfig::new(4, 2).init(&device), &path, Casting::No);
/// assert!(matches!(err, Err(Error::Param { .. })));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn load_module_npz<L, M: ModuleParams<L>>(
    module: M,
    path: impl AsRef<Path>,
    casting: Casting,
) -> Result<M, Error> {
    module_from_arrays(module, &read_npz(path)?, casting)
}
