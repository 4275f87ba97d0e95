//! ndarray → Tensor on the Burn 0.22 line: [`FromNdarray`] for `Tensor<D, K>` on any device.

use burn::tensor::{DType, Device, Tensor};
use ndarray::{ArrayBase, Data, Dimension};

use super::data::Line022;
use super::kind::NdKind;
use crate::check::burn_kind;
use crate::convert::from::{ndarray_data, sealed, shared_data, shared_target, SharedData};
use crate::{Casting, Error, FromNdarray, NdDType, NdElement, TensorKind};

impl<const D: usize, K: NdKind> sealed::Sealed for Tensor<D, K> {}

impl<const D: usize, K: NdKind> FromNdarray for Tensor<D, K> {
    type Device = Device;
    type DType = DType;

    fn bool_dtype(device: &Device) -> DType {
        device.settings().bool_dtype.into()
    }

    fn from_ndarray<A, S, Dm>(array: &ArrayBase<S, Dm>, device: &Device) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        let settings = device.settings();
        let dtype = match burn_kind(K::name())? {
            TensorKind::Float => settings.float_dtype.into(),
            TensorKind::Int => settings.int_dtype.into(),
            TensorKind::Bool => Self::bool_dtype(device),
        };
        Self::from_ndarray_as(array, device, dtype, Casting::Unsafe)
    }

    fn from_ndarray_as<A, S, Dm>(
        array: &ArrayBase<S, Dm>,
        device: &Device,
        dtype: DType,
        casting: Casting,
    ) -> Result<Self, Error>
    where
        A: NdElement,
        S: Data<Elem = A>,
        Dm: Dimension,
    {
        let supported = device.supports_dtype(dtype);
        let data =
            ndarray_data::<Line022, _, _, _>(array, D, K::name(), dtype, supported, casting)?;
        Ok(Tensor::from_data(data, (device, dtype)))
    }

    fn from_shared_bytes(
        bytes: bytes::Bytes,
        shape: &[usize],
        dtype: NdDType,
        device: &Device,
    ) -> Result<Self, Error> {
        let target = shared_target::<Line022>(dtype, Self::bool_dtype(device));
        let supported = device.supports_dtype(target);
        match shared_data::<Line022>(bytes, shape, dtype, D, K::name(), target, supported)? {
            SharedData::Bool(values) => Self::from_ndarray_as(&values, device, target, Casting::No),
            SharedData::Data(data) => Ok(Tensor::from_data(data, (device, target))),
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Bool, DType, Device, Int, Tensor};
    use ndarray::{array, s, Array2};

    use crate::{Casting, Error, FromNdarray, ToNdarray};

    #[test]
    fn any_layout_in_on_flex() {
        let device = Device::flex();
        let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let view = a.t();
        let view = view.slice(s![..;-2, ..]);
        let t = Tensor::<2>::from_ndarray(&view, &device).unwrap();
        let back: Array2<f64> = t.to_ndarray_with(Casting::Unsafe).unwrap();
        assert_eq!(back, view);
        let kept = Tensor::<2>::from_ndarray_as(&a, &device, DType::F64, Casting::No).unwrap();
        assert_eq!(kept.dtype(), DType::F64);
        assert_eq!(kept.to_ndarray::<f64>().unwrap(), a);
        let i = Tensor::<1, Int>::from_ndarray(&array![f32::NAN, 2.9], &device).unwrap();
        assert_eq!(
            i.to_ndarray_dyn::<i64>()
                .unwrap()
                .into_raw_vec_and_offset()
                .0,
            vec![0, 2]
        );
        let b = Tensor::<1, Bool>::from_ndarray(&array![0u8, 3], &device).unwrap();
        assert_eq!(b.to_ndarray::<bool>().unwrap(), array![false, true]);
        assert!(matches!(
            Tensor::<3>::from_ndarray(&a, &device),
            Err(Error::Rank {
                got: 2,
                expected: 3
            })
        ));
        assert!(matches!(
            Tensor::<1, Int>::from_ndarray_as(&array![1.5f32], &device, DType::I32, Casting::Safe),
            Err(Error::Casting { .. })
        ));
    }

    /// Shared bytes are kept (flex's storage is the same memory), misaligned ones copied,
    /// bool bytes read as `!= 0`, a wrong length refused.
    #[test]
    fn shared_bytes_become_the_storage() {
        use crate::{AsNdarrayView, NdDType};
        let device = Device::flex();
        let values: Vec<f32> = (0..12).map(|i| i as f32).collect();
        /// The values' own allocation, aligned for f32 (a `Vec<u8>` may not be, under Miri).
        struct Floats(Vec<f32>);
        impl AsRef<[u8]> for Floats {
            fn as_ref(&self) -> &[u8] {
                bytemuck::cast_slice(&self.0)
            }
        }
        let bytes = bytes::Bytes::from_owner(Floats(values.clone()));
        let t =
            Tensor::<2>::from_shared_bytes(bytes.clone(), &[3, 4], NdDType::F32, &device).unwrap();
        let view = t.as_ndarray_view::<f32>().unwrap();
        assert_eq!(view.view().as_ptr().cast::<u8>(), bytes.as_ptr());
        // The values one byte past an f32 boundary: misaligned whatever the allocator does.
        let mut storage = vec![0.0f32; 13];
        bytemuck::cast_slice_mut::<f32, u8>(&mut storage)[1..49]
            .copy_from_slice(bytemuck::cast_slice(&values));
        let odd = bytes::Bytes::from_owner(Floats(storage)).slice(1..49);
        let t = Tensor::<1>::from_shared_bytes(odd, &[12], NdDType::F32, &device).unwrap();
        assert_eq!(t.to_ndarray::<f32>().unwrap().to_vec(), values);
        let flags = bytes::Bytes::from_static(&[0, 1, 2, 255]);
        let b = Tensor::<1, Bool>::from_shared_bytes(flags, &[4], NdDType::Bool, &device).unwrap();
        assert_eq!(
            b.to_ndarray::<bool>().unwrap(),
            array![false, true, true, true]
        );
        let err = Tensor::<2>::from_shared_bytes(bytes, &[4, 4], NdDType::F32, &device);
        assert_eq!(
            err.unwrap_err().to_string(),
            "buffer holds 48 bytes, the shape and dtype need 64"
        );
    }

    /// `into_host_buffer` of a tensor on shared bytes copies them into a buffer of its own,
    /// so the buffer does not keep the bytes' owner (a NumPy array, in burn-nd-numpy) alive.
    #[test]
    fn a_host_buffer_does_not_keep_shared_bytes_alive() {
        use crate::NdDType;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        /// An owner that counts its drops.
        struct Owner(Vec<u8>, Arc<AtomicUsize>);
        impl AsRef<[u8]> for Owner {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }
        impl Drop for Owner {
            fn drop(&mut self) {
                self.1.fetch_add(1, Ordering::SeqCst);
            }
        }
        let values: Vec<f32> = (0..16).map(|i| i as f32).collect();
        let drops = Arc::new(AtomicUsize::new(0));
        let owner = Owner(bytemuck::cast_slice(&values).to_vec(), drops.clone());
        let address = owner.0.as_ptr();
        let bytes = bytes::Bytes::from_owner(owner);
        let t =
            Tensor::<1>::from_shared_bytes(bytes, &[16], NdDType::F32, &Device::flex()).unwrap();
        let buffer = t.into_host_buffer().unwrap();
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "the owner outlived the tensor"
        );
        assert_ne!(buffer.as_bytes().as_ptr(), address);
        assert_eq!(buffer.as_bytes(), bytemuck::cast_slice::<f32, u8>(&values));
    }

    #[test]
    fn flex_holds_half_precision() {
        let device = Device::flex();
        let a = array![1.5f32, -2.0];
        for dtype in [DType::F16, DType::BF16] {
            let t = Tensor::<1>::from_ndarray_as(&a, &device, dtype, Casting::SameKind).unwrap();
            assert_eq!(t.dtype(), dtype);
            assert_eq!(t.to_ndarray::<f32>().unwrap(), a);
        }
    }
}
