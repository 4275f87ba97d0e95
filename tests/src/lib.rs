//! The burn-nd conformance suite: every test written once and instantiated per Burn line and
//! backend with [`conformance!`] (see `tests/burn_<line>/`).
//!
//! The tests live in `src/suite/`, one file per job, written against three names the
//! instantiation defines: `TestTensor<D, K>` (`Tensor<B, D, K>` on Burn 0.21, `Tensor<D, K>`
//! on 0.22), `TestDevice` and `TestKind` (the tensor kinds), plus `device_supports` and
//! `TestLinear`. The macro includes each file into a module of the test binary, so one text
//! serves both lines, whose tensors differ only in how they are spelled.
//!
//! Where backends legitimately differ, the difference is written down in an [`Expect`] passed
//! by the instantiation, never detected at run time and skipped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use burn_nd::dlpack::dlpark::ffi::{DLDataType, DLDevice};
use burn_nd::dlpack::dlpark::metadata::Dynamic;
use burn_nd::dlpack::{dl_dtype, Dlpack};
use burn_nd::{NdDType, NdElement};

#[cfg(feature = "burn-0-22")]
pub use burn;
#[cfg(feature = "burn-0-21")]
pub use burn021;

/// What a backend can hold, written down per backend.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// The non-bool dtypes a tensor may have on this backend; every other one must be refused
    /// with `Error::Unsupported`.
    pub dtypes: &'static [NdDType],
    /// Whether a DLPack export shares the backend's own memory (burn-flex and burn-ndarray,
    /// whose in-place writes check that nothing else holds the storage) rather than copying
    /// it (libtorch, which writes shared storage in place, and device backends).
    pub shares_memory: bool,
}

/// The lists of the backends that exist on both Burn lines and hold the same dtypes on each.
impl Expect {
    /// burn-flex (0.21 and 0.22) holds every float type, half precision included, and every
    /// integer type.
    pub const FLEX: Expect = Expect {
        dtypes: &[
            NdDType::F64,
            NdDType::F32,
            NdDType::F16,
            NdDType::BF16,
            NdDType::I64,
            NdDType::I32,
            NdDType::I16,
            NdDType::I8,
            NdDType::U64,
            NdDType::U32,
            NdDType::U16,
            NdDType::U8,
        ],
        shares_memory: true,
    };

    /// burn-ndarray (0.21 and 0.22) holds every integer type and f32/f64, but no f16 or bf16
    /// tensors.
    pub const NDARRAY: Expect = Expect {
        dtypes: &[
            NdDType::F32,
            NdDType::F64,
            NdDType::I64,
            NdDType::I32,
            NdDType::I16,
            NdDType::I8,
            NdDType::U64,
            NdDType::U32,
            NdDType::U16,
            NdDType::U8,
        ],
        shares_memory: true,
    };

    /// wgpu on lavapipe (burn-wgpu 0.21 and Burn 0.22's wgpu device): f64, f32, f16, and 32-
    /// and 64-bit integers; no bf16 and no 8- or 16-bit integers. A real GPU may report more;
    /// `dtype_support` checks this list against the device.
    pub const WGPU_LAVAPIPE: Expect = Expect {
        dtypes: &[
            NdDType::F64,
            NdDType::F32,
            NdDType::F16,
            NdDType::I64,
            NdDType::I32,
            NdDType::U64,
            NdDType::U32,
        ],
        shares_memory: false,
    };

    /// Whether the backend holds `dtype`.
    pub fn holds(&self, dtype: NdDType) -> bool {
        self.dtypes.contains(&dtype)
    }
}

/// Generates one `#[test]` per conformance test.
///
/// - `conformance!(burn_0_21: Backend, device, expect)`: Burn 0.21, `Tensor<Backend, D, K>`.
/// - `conformance!(burn_0_22: device, expect)`: Burn 0.22, `Tensor<D, K>` on `device`.
/// - `conformance!(device_line(burn_crate, KindTrait): device, expect)`: any release whose
///   tensors are `Tensor<D, K>` on a runtime `Device` (0.22 and later), named by its crate
///   and by burn-nd's kind trait for it: what a new Burn line's test file calls.
///
/// Extra idents after `expect` add tests: `autodiff`, for an `Autodiff` backend or device, the
/// tests only such a backend can run; `share_ndarray`, on burn-ndarray, burn-nd-ndarray's
/// zero-copy `ShareNdarray`, and `share_gradients` (after `share_ndarray`, on an `Autodiff`
/// one) its gradient test.
#[macro_export]
macro_rules! conformance {
    (burn_0_21: $backend:ty, $device:expr, $expect:expr $(, $extra:ident)*) => {
        use $crate::burn021 as burn;
        type TestBackend = $backend;
        type TestTensor<const D: usize, K = burn::tensor::Float> =
            burn::tensor::Tensor<TestBackend, D, K>;
        type TestDevice = burn::tensor::Device<TestBackend>;
        type TestLinear = burn::nn::Linear<TestBackend>;
        /// Burn 0.21's kinds, with the `'static` primitive burn-nd's traits ask of them.
        trait TestKind: burn::tensor::BasicOps<TestBackend, Primitive = Self::Stored> {
            type Stored: burn::tensor::TensorMetadata + 'static;
        }
        impl<K: burn::tensor::BasicOps<TestBackend>> TestKind for K
        where
            K::Primitive: 'static,
        {
            type Stored = K::Primitive;
        }
        fn device_supports(device: &TestDevice, dtype: burn::tensor::DType) -> bool {
            <TestBackend as burn::tensor::backend::Backend>::supports_dtype(device, dtype)
        }
        fn device() -> TestDevice {
            $device
        }
        /// A tensor made from an array is already on the backend its type names.
        #[allow(dead_code)]
        fn lift<const D: usize, K: TestKind>(t: TestTensor<D, K>) -> TestTensor<D, K> {
            t
        }
        $crate::conformance!(@suite $expect $(, $extra)*);
    };
    (burn_0_22: $device:expr, $expect:expr $(, $extra:ident)*) => {
        $crate::conformance!(
            device_line($crate::burn, burn_nd::NdKind): $device, $expect $(, $extra)*
        );
    };
    (device_line($burn:path, $kind:path): $device:expr, $expect:expr $(, $extra:ident)*) => {
        use $burn as burn;
        type TestTensor<const D: usize, K = burn::tensor::Float> = burn::tensor::Tensor<D, K>;
        type TestDevice = burn::tensor::Device;
        type TestLinear = burn::nn::Linear;
        use $kind as TestKind;
        fn device_supports(device: &TestDevice, dtype: burn::tensor::DType) -> bool {
            device.supports_dtype(dtype)
        }
        fn device() -> TestDevice {
            $device
        }
        /// A tensor made from an array (on a plain device) moved onto the instantiation's
        /// device kind: `.autodiff()` on an Autodiff device, an O(1) wrap.
        #[allow(dead_code)]
        fn lift<const D: usize, K: TestKind>(t: TestTensor<D, K>) -> TestTensor<D, K> {
            if device().is_autodiff() {
                t.autodiff()
            } else {
                t
            }
        }
        $crate::conformance!(@suite $expect $(, $extra)*);
    };
    (@suite $expect:expr) => {
        $crate::conformance!(@file round_trip $expect;
            dtype_support, round_trip_float, round_trip_int, round_trip_bool, zero_size);
        $crate::conformance!(@file layouts $expect; layouts, views_in, read_into);
        $crate::conformance!(@file casting $expect;
            casting_float_edges, casting_int_edges, casting_bool, rank_errors);
        $crate::conformance!(@file threads $expect; threads);
        $crate::conformance!(@file props $expect;
            prop_float_casts, prop_int_casts, prop_from_ndarray);
        $crate::conformance!(@file files $expect; dyn_arrays_and_files, module_params);
        $crate::conformance!(@file readback $expect; async_read, batched_read, narrowed_read);
        $crate::conformance!(@file dlpack $expect;
            dlpack_export, dlpack_copy_on_write, dlpack_share_keeps_memory, dlpack_import,
            dlpack_threads);
    };
    (@suite $expect:expr $(, $extra:ident)+) => {
        $crate::conformance!(@suite $expect);
        $( $crate::conformance!(@extra $extra $expect); )+
    };
    (@extra autodiff $expect:expr) => {
        $crate::conformance!(@file autodiff $expect; gradients);
    };
    (@extra share_ndarray $expect:expr) => {
        $crate::conformance!(@file share_ndarray $expect; share_buffers, share_any_strides,
            share_copy_on_write, share_int_and_bool, share_errors, share_op_results);
    };
    (@extra share_gradients $expect:expr) => {
        $crate::conformance!(@file share_gradients $expect; share_gradients);
    };
    (@file $file:ident $expect:expr; $($name:ident),*) => {
        mod $file {
            // Named, not a glob: a named `burn` shadows the `burn` crate (0.21) where both
            // lines are built; each file uses only some of these.
            #[allow(unused_imports)]
            use super::{burn, device_supports, lift, TestDevice, TestKind, TestLinear, TestTensor};
            include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/suite/", stringify!($file), ".rs"));
        }
        $(
            #[test]
            fn $name() {
                $file::$name(&device(), &$expect);
            }
        )*
    };
}

/// A DLPack tensor as another library exports one: a copy of `values` in memory of its own
/// (aligned for every element type, or one byte off when `misaligned`), laid out as `shape`
/// with element `strides` from element `first` (the `byte_offset`), on `device`, of `dtype`
/// (the values' own when `None`). The counter counts its deleter's runs.
pub fn foreign_dlpack<E: NdElement>(
    values: &[E],
    shape: &[usize],
    strides: &[isize],
    first: usize,
    misaligned: bool,
    device: DLDevice,
    dtype: Option<DLDataType>,
) -> (Dlpack, Arc<AtomicUsize>) {
    /// The memory, and the count its drop adds to.
    struct Owner {
        _words: Vec<u64>,
        deleted: Arc<AtomicUsize>,
    }
    impl Drop for Owner {
        fn drop(&mut self) {
            self.deleted.fetch_add(1, Ordering::SeqCst);
        }
    }
    let bytes: &[u8] = bytemuck::checked::cast_slice(values);
    let pad = usize::from(misaligned);
    let mut words = vec![0u64; (bytes.len() + pad).div_ceil(8)];
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[pad..pad + bytes.len()].copy_from_slice(bytes);
    let deleted = Arc::new(AtomicUsize::new(0));
    let data = words.as_mut_ptr().cast::<std::ffi::c_void>();
    let owner = Owner {
        _words: words,
        deleted: deleted.clone(),
    };
    let mut managed = Dynamic::new(shape.to_vec(), strides.to_vec())
        .initialize(Box::new(owner))
        .expect("allocate");
    managed
        .set_data(data)
        .set_byte_offset((pad + first * size_of::<E>()) as u64)
        .set_dtype(dtype.unwrap_or(dl_dtype(E::DTYPE)))
        .set_device(device);
    // SAFETY: `data` is the owner's heap memory, which moving the owner into the managed tensor
    // does not move, freed by its deleter; the caller's layout stays inside `values`.
    (unsafe { managed.finish() }, deleted)
}
