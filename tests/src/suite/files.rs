// `DynArray`, `.npy` files and module parameters.

use burn::tensor::{Bool, DType, Int};
use burn_nd::ndarray::{array, ArrayD, IxDyn};
use burn_nd::prelude::*;

use burn_nd_conformance::Expect;


/// A tensor of `dtype` (Float or Int kind by dtype) holding 0..6 as a `[2, 3]` array.
fn counting(dtype: DType, device: &TestDevice) -> burn_nd::DynArray {
    let a = burn_nd::DynArray::from(
        ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).collect::<Vec<i32>>()).expect("shape"),
    );
    let a = a.cast(dtype, Casting::Unsafe).expect("cast");
    let back = if dtype.is_float() {
        let t: TestTensor<2> = a.to_tensor(device).expect("float tensor");
        assert_eq!(t.dtype(), dtype);
        burn_nd::DynArray::from_tensor(&t).expect("read")
    } else {
        let t: TestTensor<2, Int> = a.to_tensor(device).expect("int tensor");
        assert_eq!(t.dtype(), dtype);
        burn_nd::DynArray::from_owned_tensor(t).expect("read")
    };
    assert_eq!(back, a, "{dtype:?}");
    back
}

/// Every dtype the backend holds goes tensor → `DynArray` → tensor with its dtype kept, and
/// through a `.npy` file (bf16 refused with `NotInNumpy`); bools too.
pub fn dyn_arrays_and_files(device: &TestDevice, expect: &Expect) {
    use burn_nd::npy::NpyTensor;
    let dir = std::env::temp_dir().join(format!(
        "burn_nd_conf_{}_{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("t.npy");
    for &nd in expect.dtypes {
        let dtype = DType::from(nd);
        let a = counting(dtype, device);
        let result = if dtype.is_float() {
            let t: TestTensor<2> = a.to_tensor(device).expect("tensor");
            t.write_npy(&path).map(|()| {
                let back = TestTensor::<2>::read_npy(&path, device).expect("read_npy");
                assert_eq!(back.dtype(), dtype);
                burn_nd::DynArray::from_tensor(&back).expect("read")
            })
        } else {
            let t: TestTensor<2, Int> = a.to_tensor(device).expect("tensor");
            t.write_npy(&path).map(|()| {
                let back = TestTensor::<2, Int>::read_npy(&path, device).expect("read_npy");
                assert_eq!(back.dtype(), dtype);
                burn_nd::DynArray::from_tensor(&back).expect("read")
            })
        };
        match result {
            Ok(back) => assert_eq!(back, a, "{dtype:?} through .npy"),
            Err(burn_nd::Error::NotInNumpy { dtype: d }) => {
                assert!(d == DType::BF16 && dtype == DType::BF16, "{d:?} {dtype:?}")
            }
            Err(e) => panic!("{dtype:?}: {e}"),
        }
    }
    let b = TestTensor::<1, Bool>::from_ndarray(&array![true, false, true], device).expect("bool");
    b.write_npy(&path).expect("write bool");
    let back = TestTensor::<1, Bool>::read_npy(&path, device).expect("read bool");
    assert_eq!(
        back.into_ndarray::<bool>().expect("to"),
        array![true, false, true]
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// A module's parameters go to named arrays and back into a fresh module of the same
/// structure, values, dtypes and gradient requirements kept.
pub fn module_params(device: &TestDevice, _: &Expect) {
    use burn::nn::LinearConfig;
    let a: TestLinear = LinearConfig::new(3, 2).init(device);
    let arrays = burn_nd::module_to_arrays(&a).expect("to arrays");
    assert_eq!(arrays.keys().collect::<Vec<_>>(), ["bias", "weight"]);
    let b: TestLinear =
        burn_nd::module_from_arrays(LinearConfig::new(3, 2).init(device), &arrays, Casting::No)
            .expect("from arrays");
    assert_eq!(b.weight.val().into_data(), a.weight.val().into_data());
    assert_eq!(
        b.weight.val().is_require_grad(),
        a.weight.val().is_require_grad()
    );
    let wrong: Result<TestLinear, _> =
        burn_nd::module_from_arrays(LinearConfig::new(2, 2).init(device), &arrays, Casting::No);
    assert!(matches!(wrong, Err(burn_nd::Error::Param { .. })));
}
