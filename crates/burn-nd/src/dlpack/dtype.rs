//! burn-nd's dtypes as DLPack's `DLDataType` and back: one rule, from the kind and width each
//! dtype already has (bf16 is `kDLBfloat`, bool `kDLBool` of 8 bits, as NumPy and PyTorch
//! write them).

use dlpark::ffi::{DLDataType, DLDataTypeCode, DLDevice, DLDeviceType};

use crate::{DTypeKind, Error, NdDType};

/// `dtype` as DLPack writes it: one lane of its width (bf16 as `kDLBfloat`, bool as `kDLBool`
/// of 8 bits).
///
/// ```
/// use burn_nd::dlpack::{dl_dtype, dlpark::ffi::DLDataType};
/// use burn_nd::NdDType;
///
/// assert_eq!(dl_dtype(NdDType::F32), DLDataType::F32);
/// ```
pub fn dl_dtype(dtype: NdDType) -> DLDataType {
    let code = match dtype.kind() {
        DTypeKind::Bool => DLDataTypeCode::BOOL,
        DTypeKind::Uint => DLDataTypeCode::UINT,
        DTypeKind::Int => DLDataTypeCode::INT,
        DTypeKind::Float if dtype == NdDType::BF16 => DLDataTypeCode::BFLOAT,
        DTypeKind::Float => DLDataTypeCode::FLOAT,
    };
    // Every dtype here is 8 to 64 bits wide.
    DLDataType::scalar(code, (dtype.size() * 8) as u8)
}

/// The dtype a DLPack tensor of `dtype` holds, or [`Error::Dlpack`] naming one Burn lacks
/// (complex, float8, vector lanes, ...).
///
/// ```
/// use burn_nd::dlpack::{nd_dtype, dlpark::ffi::DLDataType};
/// use burn_nd::NdDType;
///
/// assert_eq!(nd_dtype(DLDataType::BF16)?, NdDType::BF16);
/// assert!(nd_dtype(DLDataType::C64).is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn nd_dtype(dtype: DLDataType) -> Result<NdDType, Error> {
    NdDType::ALL
        .into_iter()
        .find(|&nd| dl_dtype(nd).matches(dtype))
        .ok_or_else(|| Error::Dlpack {
            reason: format!(
                "dtype code {} with {} bits and {} lanes has no Burn dtype",
                dtype.code.0, dtype.bits, dtype.lanes
            ),
        })
}

/// A DLPack device as a name people know (`CUDA:0`, `Vulkan:1`), for messages.
///
/// ```
/// use burn_nd::dlpack::{device_name, dlpark::ffi::DLDevice};
///
/// assert_eq!(device_name(DLDevice::cuda(0)), "CUDA:0");
/// ```
pub fn device_name(device: DLDevice) -> String {
    let name = match device.device_type {
        DLDeviceType::CPU => "CPU",
        DLDeviceType::CUDA => "CUDA",
        DLDeviceType::CUDAHOST => "CUDA host",
        DLDeviceType::OPENCL => "OpenCL",
        DLDeviceType::VULKAN => "Vulkan",
        DLDeviceType::METAL => "Metal",
        DLDeviceType::ROCM => "ROCm",
        DLDeviceType::ROCMHOST => "ROCm host",
        DLDeviceType::CUDAMANAGED => "CUDA managed",
        DLDeviceType::ONEAPI => "oneAPI",
        DLDeviceType::WEBGPU => "WebGPU",
        _ => {
            return format!(
                "DLPack device type {}:{}",
                device.device_type.0, device.device_id
            )
        }
    };
    format!("{name}:{}", device.device_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each dtype maps to the descriptor NumPy and PyTorch write for it, and back.
    #[test]
    fn every_dtype_maps_both_ways() {
        let expected = [
            (NdDType::F64, 2, 64),
            (NdDType::F32, 2, 32),
            (NdDType::F16, 2, 16),
            (NdDType::BF16, 4, 16),
            (NdDType::I64, 0, 64),
            (NdDType::I8, 0, 8),
            (NdDType::U16, 1, 16),
            (NdDType::Bool, 6, 8),
        ];
        for (dtype, code, bits) in expected {
            assert_eq!(
                dl_dtype(dtype),
                DLDataType::scalar(DLDataTypeCode(code), bits)
            );
        }
        for dtype in NdDType::ALL {
            assert_eq!(nd_dtype(dl_dtype(dtype)).unwrap(), dtype);
        }
        for refused in [
            DLDataType::scalar(DLDataTypeCode::COMPLEX, 64),
            DLDataType::new(DLDataTypeCode::FLOAT, 32, 4),
            DLDataType::scalar(DLDataTypeCode::FLOAT, 8),
        ] {
            let err = nd_dtype(refused).unwrap_err();
            assert!(err.to_string().contains("has no Burn dtype"), "{err}");
        }
        assert_eq!(device_name(DLDevice::cuda(1)), "CUDA:1");
    }
}
