//! Which CPU backend holds a tensor, read off its dispatch handle: the backend's primitive,
//! taken out of the tensor without a clone or a new handle (an Autodiff tensor gives the
//! primitive of the values it holds), or the tensor back when its memory is not one burn-nd
//! reads. Every direct read, copy and view on this line starts here.
#![allow(deprecated)] // burn-ndarray and burn-tch are deprecated in Burn 0.22

use burn::backend::flex::FlexTensor;
#[cfg(feature = "tch-0-22")]
use burn::backend::libtorch::TchTensor;
#[cfg(feature = "ndarray-0-22")]
use burn::backend::ndarray::NdArrayTensor;
use burn::backend::{Backend, BackendTensor, DispatchTensor, DispatchTensorKind};
use burn::tensor::{Tensor, TensorData};
use ndarray::{ArrayBase, DataMut, Dimension};

use super::data::Line022;
use super::kind::NdKind;
use crate::convert::to::{LineTensor, Read};
use crate::storage::{copy_into, read_copy};
use crate::{Error, NdElement};

/// A tensor's primitive on a CPU backend whose memory burn-nd reads.
pub(crate) enum CpuPrimitive {
    /// burn-flex.
    Flex(FlexTensor),
    /// burn-ndarray (feature `ndarray-0-22`).
    #[cfg(feature = "ndarray-0-22")]
    NdArray(NdArrayTensor),
    /// libtorch, on any libtorch device (the caller checks for the CPU).
    #[cfg(feature = "tch-0-22")]
    Tch(TchTensor),
}

impl<const D: usize, K: NdKind> LineTensor for Tensor<D, K> {
    type Line = Line022;

    /// An Autodiff tensor is read as the values it holds.
    fn read<E: NdElement, Dm: Dimension>(
        self,
        exact: bool,
    ) -> Result<Read<E, Dm, TensorData>, Error> {
        let read_back = |tensor: Tensor<D, K>| tensor.try_into_data().map_err(Error::backend);
        let data = match cpu_primitive(self) {
            Ok(CpuPrimitive::Flex(flex)) => match read_copy(&flex, exact) {
                Some(read) => return read.map(Read::Direct),
                // Burn's read hands the buffer over: the primitive's own `into_data`.
                None => flex.into_data(),
            },
            #[cfg(feature = "ndarray-0-22")]
            Ok(CpuPrimitive::NdArray(tensor)) => match read_copy(&tensor, exact) {
                Some(read) => return read.map(Read::Direct),
                None => read_back(Tensor::from_primitive::<burn::backend::NdArray>(tensor))?,
            },
            #[cfg(feature = "tch-0-22")]
            Ok(CpuPrimitive::Tch(tensor)) => match read_copy(&tensor.tensor, exact) {
                Some(read) => return read.map(Read::Direct),
                None => read_back(Tensor::from_primitive::<burn::backend::LibTorch>(tensor))?,
            },
            Err(tensor) => read_back(tensor)?,
        };
        Ok(Read::ReadBack(data))
    }

    fn copy_into<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> bool
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        match cpu_primitive(self.clone()) {
            Ok(CpuPrimitive::Flex(flex)) => copy_into(&flex, out),
            #[cfg(feature = "ndarray-0-22")]
            Ok(CpuPrimitive::NdArray(tensor)) => copy_into(&tensor, out),
            #[cfg(feature = "tch-0-22")]
            Ok(CpuPrimitive::Tch(tensor)) => copy_into(&tensor.tensor, out),
            Err(_) => false,
        }
    }

    #[cfg(feature = "dlpack")]
    fn logical_dtype(&self) -> Result<crate::NdDType, Error> {
        crate::check::logical_dtype(self.dtype())
    }

    #[cfg(feature = "dlpack")]
    fn export(self, logical: crate::NdDType) -> Result<crate::dlpack::Export<Self>, Error> {
        use crate::dlpack::{plan, Export};
        Ok(match cpu_primitive(self) {
            Ok(CpuPrimitive::Flex(flex)) => {
                plan(&flex, logical)?.export(Tensor::from_primitive::<burn::backend::Flex>(flex))
            }
            #[cfg(feature = "ndarray-0-22")]
            Ok(CpuPrimitive::NdArray(tensor)) => plan(&tensor, logical)?
                .export(Tensor::from_primitive::<burn::backend::NdArray>(tensor)),
            // burn-tch writes in place into storage other handles share: copied.
            #[cfg(feature = "tch-0-22")]
            Ok(CpuPrimitive::Tch(tensor)) => {
                Export::Copy(Tensor::from_primitive::<burn::backend::LibTorch>(tensor))
            }
            Err(tensor) => Export::Copy(tensor),
        })
    }
}

/// `tensor`'s primitive, consuming the tensor (so a unique buffer stays unique), or `Err` with
/// the tensor unchanged when it lives on another backend or is quantized.
///
/// Burn's `without_autodiff()` and `try_into_primitive()` would get the same primitive, but
/// each asks the tensor for its device first and a failed downcast consumes its input, so
/// trying one backend after another costs a clone per try; a read of a 1 KiB tensor spends
/// most of its time there.
// The `Err` is the caller's own tensor handed back, as big as a `Tensor` is in this build; a
// box would add an allocation to every read-back.
#[allow(clippy::result_large_err)]
pub(crate) fn cpu_primitive<const D: usize, K: NdKind>(
    tensor: Tensor<D, K>,
) -> Result<CpuPrimitive, Tensor<D, K>> {
    let DispatchTensor { kind, autodiff } = tensor.into_dispatch();
    let (plain, boxed) = match kind {
        DispatchTensorKind::Autodiff(inner) => (*inner, true),
        kind => (kind, false),
    };
    // Only the fallback rebuilds the tensor (re-boxing an Autodiff one); a direct read never
    // does.
    let back = |plain| {
        let kind = if boxed {
            DispatchTensorKind::Autodiff(Box::new(plain))
        } else {
            plain
        };
        Tensor::from_dispatch(DispatchTensor { kind, autodiff })
    };
    match plain {
        DispatchTensorKind::Flex(t) => take(t)
            .map(CpuPrimitive::Flex)
            .map_err(|t| back(DispatchTensorKind::Flex(t))),
        #[cfg(feature = "ndarray-0-22")]
        DispatchTensorKind::NdArray(t) => take(t)
            .map(CpuPrimitive::NdArray)
            .map_err(|t| back(DispatchTensorKind::NdArray(t))),
        #[cfg(feature = "tch-0-22")]
        DispatchTensorKind::LibTorch(t) => take(t)
            .map(CpuPrimitive::Tch)
            .map_err(|t| back(DispatchTensorKind::LibTorch(t))),
        // The catch-all is unreachable when the build enables no other backend.
        #[allow(unreachable_patterns)]
        other => Err(back(other)),
    }
}

/// The primitive of a backend that stores every kind (Float, Int, Bool) in one tensor type,
/// and an Autodiff float tensor's inner one; a quantized tensor is given back.
fn take<B>(tensor: BackendTensor<B>) -> Result<B::FloatTensorPrimitive, BackendTensor<B>>
where
    B: Backend<
        IntTensorPrimitive = <B as burn::backend::BackendTypes>::FloatTensorPrimitive,
        BoolTensorPrimitive = <B as burn::backend::BackendTypes>::FloatTensorPrimitive,
    >,
{
    match tensor {
        BackendTensor::Float(t) | BackendTensor::Int(t) | BackendTensor::Bool(t) => Ok(t),
        BackendTensor::Autodiff(t) => Ok(t.into_primitive()),
        quantized => Err(quantized),
    }
}

/// burn-flex of Burn 0.22, its own CPU backend.
impl crate::backends::flex::FlexStorage for burn::backend::flex::FlexTensor {
    fn parts(&self) -> Result<crate::backends::flex::FlexParts<'_>, Error> {
        let layout = self.layout();
        crate::backends::flex::FlexParts::new::<Line022>(
            self.bytes(),
            self.dtype(),
            layout.shape(),
            layout.strides(),
            layout.start_offset(),
            self.is_unique(),
            layout.is_contiguous(),
        )
    }
}

#[cfg(test)]
pub(super) mod tests {
    use burn::backend::Flex;
    use burn::tensor::quantization::QuantScheme;
    use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

    use super::{cpu_primitive, CpuPrimitive};

    /// The address of the flex storage Burn's own downcast reaches.
    pub(crate) fn burn_address<const D: usize, K: super::super::kind::NdKind>(
        t: &Tensor<D, K>,
    ) -> usize {
        let flex = t
            .clone()
            .without_autodiff()
            .try_into_primitive::<Flex>()
            .unwrap();
        flex.bytes().as_ptr() as usize
    }

    fn address(primitive: CpuPrimitive) -> usize {
        match primitive {
            CpuPrimitive::Flex(flex) => flex.bytes().as_ptr() as usize,
            #[allow(unreachable_patterns)]
            _ => panic!("a flex tensor gave another backend's primitive"),
        }
    }

    /// Float, Int and Bool tensors, plain and on the Autodiff device (a tracked one included),
    /// give the flex primitive Burn's downcast gives: the same storage.
    #[test]
    fn flex_tensors_give_their_storage_plain_and_autodiff() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            let float = Tensor::<2>::from_data(TensorData::new(vec![1.0f32; 6], [2, 3]), &device);
            // On the Autodiff device, a tensor with a node in the graph.
            let tracked = if device.is_autodiff() {
                float.clone().require_grad() * 2.0
            } else {
                float.clone() * 2.0
            };
            let int = Tensor::<1, Int>::from_ints([1, 2, 3], &device);
            let bool = Tensor::<1, Bool>::from_bool(TensorData::from([true, false]), &device);
            for t in [float, tracked] {
                let expected = burn_address(&t);
                assert_eq!(
                    address(cpu_primitive(t).ok().unwrap()),
                    expected,
                    "{device:?}"
                );
            }
            let expected = burn_address(&int);
            assert_eq!(address(cpu_primitive(int).ok().unwrap()), expected);
            let expected = burn_address(&bool);
            assert_eq!(address(cpu_primitive(bool).ok().unwrap()), expected);
        }
    }

    /// A quantized tensor is given back as it was: same dtype, shape, values and device
    /// (Autodiff stays Autodiff).
    #[test]
    fn a_quantized_tensor_is_given_back_unchanged() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            let values: Vec<f32> = (0..32).map(|i| i as f32 / 4.0).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [4, 8]), &device)
                .quantize_dynamic(&QuantScheme::default());
            let (dtype, shape) = (t.dtype(), t.shape());
            let expected = t.clone().dequantize().into_data();
            let Err(back) = cpu_primitive(t) else {
                panic!("a quantized tensor gave a primitive");
            };
            assert_eq!((back.dtype(), back.shape()), (dtype, shape));
            assert_eq!(back.is_autodiff(), device.is_autodiff());
            assert_eq!(back.dequantize().into_data(), expected);
        }
    }
}
