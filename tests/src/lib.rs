//! The burn-nd conformance suite: every test written once, generic over `B: Backend`, and
//! instantiated per backend with [`conformance!`] (see `tests/*.rs`).
//!
//! Where backends legitimately differ, the difference is written down in an [`Expect`] passed
//! by the instantiation, never detected at run time and skipped.

use burn::tensor::DType;

mod autodiff;
mod casting;
mod files;
mod layouts;
mod props;
mod round_trip;
mod threads;

pub use autodiff::*;
pub use burn;
pub use casting::*;
pub use files::*;
pub use layouts::*;
pub use props::*;
pub use round_trip::*;
pub use threads::*;

/// What a backend can hold, written down per backend.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// The non-bool dtypes a tensor may have on this backend; every other one must be refused
    /// with `Error::Unsupported`.
    pub dtypes: &'static [DType],
}

impl Expect {
    fn holds(&self, dtype: DType) -> bool {
        self.dtypes.contains(&dtype)
    }
}

/// Generates one `#[test]` per conformance test for `$backend` on `$device`; with `autodiff:`
/// first, for an `Autodiff` backend, also the tests only such a backend can run.
#[macro_export]
macro_rules! conformance {
    (autodiff: $backend:ty, $device:expr, $expect:expr) => {
        $crate::conformance!($backend, $device, $expect);
        $crate::conformance!(@tests $expect; gradients);
    };
    ($backend:ty, $device:expr, $expect:expr) => {
        type TestBackend = $backend;
        fn device() -> $crate::burn::tensor::Device<TestBackend> {
            $device
        }
        $crate::conformance!(@tests $expect;
            dtype_support, round_trip_float, round_trip_int, round_trip_bool, zero_size, layouts, views_in,
            casting_float_edges, casting_int_edges, casting_bool, rank_errors, threads,
            prop_float_casts, prop_int_casts, prop_from_ndarray, dyn_arrays_and_files, module_params,
            read_into);
    };
    (@tests $expect:expr; $($name:ident),*) => {$(
        #[test]
        fn $name() {
            $crate::$name::<TestBackend>(&device(), &$expect);
        }
    )*};
}
