// The awaited, batched and device-narrowed read-backs (`ToNdarrayAsync`, `read_batch`,
// `NarrowRead`): the values of the blocking read, every cast checked before anything is read.

use burn::tensor::{Bool, DType, Int};
use burn_nd::ndarray::{array, ArrayD};
use burn_nd::prelude::*;
use burn_nd::half::{bf16, f16};
use burn_nd::{read_batch, NarrowRead, ToNdarrayAsync};

use burn_nd_conformance::Expect;

/// `into_ndarray_async` gives what `to_ndarray_dyn` gives, and refuses a forbidden cast.
pub fn async_read(device: &TestDevice, _: &Expect) {
    let t = TestTensor::<2>::from_ndarray(&array![[1.0f32, -2.0], [0.5, 4.0]], device)
        .expect("from");
    let blocking = t.to_ndarray_dyn::<f64>().expect("blocking");
    let awaited =
        pollster::block_on(t.clone().into_ndarray_async::<f64>(Casting::Safe)).expect("async");
    assert_eq!(awaited, blocking);
    // A strided tensor made by a Burn op, and a Bool one (whatever the backend stores).
    let transposed = pollster::block_on(t.clone().transpose().into_ndarray_async::<f32>(Casting::No))
        .expect("transposed");
    assert_eq!(transposed, array![[1.0f32, 0.5], [-2.0, 4.0]].into_dyn());
    let b = TestTensor::<1, Bool>::from_ndarray(&array![true, false, true], device).expect("bool");
    let bools = pollster::block_on(b.into_ndarray_async::<bool>(Casting::No)).expect("bool");
    assert_eq!(bools, array![true, false, true].into_dyn());
    let refused = pollster::block_on(t.into_ndarray_async::<i32>(Casting::Safe));
    assert!(matches!(refused, Err(Error::Casting { .. })), "{refused:?}");
}

/// `read_batch` gives the sequential reads in input order; an empty batch reads nothing and a
/// forbidden cast fails the whole batch.
pub fn batched_read(device: &TestDevice, _: &Expect) {
    let ts: Vec<TestTensor<1, Int>> = (0..5)
        .map(|i| TestTensor::from_ndarray(&array![i, i * 10, -i], device).expect("from"))
        .collect();
    let sequential: Vec<ArrayD<i64>> = ts
        .iter()
        .map(|t| t.to_ndarray_dyn().expect("read"))
        .collect();
    let batched = read_batch::<i64, _>(ts.clone(), Casting::Safe).expect("batch");
    assert_eq!(batched, sequential);
    let empty: Vec<TestTensor<1, Int>> = Vec::new();
    assert!(read_batch::<i64, _>(empty, Casting::Safe)
        .expect("empty")
        .is_empty());
    assert!(matches!(
        read_batch::<u8, _>(ts, Casting::Safe),
        Err(Error::Casting { .. })
    ));
    let floats = TestTensor::<2>::from_ndarray(&array![[1.5f32, 2.0], [-3.0, 4.0]], device)
        .expect("floats");
    // A strided tensor and one made by an op; `floats` stays alive, so no op may write to its
    // memory in place.
    let batch = [
        floats.clone(),
        floats.clone().transpose(),
        floats.clone() * 2.0,
    ];
    let read = read_batch::<f64, _>(batch, Casting::Safe).expect("floats");
    assert_eq!(read[0], array![[1.5, 2.0], [-3.0, 4.0]].into_dyn());
    assert_eq!(read[1], array![[1.5, -3.0], [2.0, 4.0]].into_dyn());
    assert_eq!(read[2], array![[3.0, 4.0], [-6.0, 8.0]].into_dyn());
    assert_eq!(floats.to_ndarray_dyn::<f64>().expect("after"), read[0]);
    let bools = vec![TestTensor::<1, Bool>::from_ndarray(&array![true, false], device).expect("b")];
    let read = read_batch::<u8, _>(bools, Casting::Safe).expect("bools");
    assert_eq!(read[0], array![1u8, 0].into_dyn());
}

/// `into_ndarray_narrow` gives the host cast's values, whether the backend narrows on the
/// device (a GPU, burn-flex) or falls back to the host cast (a dtype the device lacks), and
/// keeps `Exact` on the host, so the first inexact value is still named. A NaN may come back
/// with another payload from a device cast (an H100's Vulkan driver returns 0x7fff where the
/// host cast gives 0x7e00), so NaNs compare as NaNs.
pub fn narrowed_read(device: &TestDevice, _: &Expect) {
    let values = array![0.1f32, -1.5, 1e6, -1e6, f32::NAN, 65504.0, 65520.0, 3.0e-5, -0.0];
    let t = TestTensor::<1>::from_ndarray_as(&values, device, DType::F32, Casting::No)
        .expect("f32");
    let f16_bits = |a: &ArrayD<f16>| {
        a.iter()
            .map(|x| (!x.is_nan()).then(|| x.to_bits()))
            .collect::<Vec<_>>()
    };
    let host = t.to_ndarray_dyn_with::<f16>(Casting::SameKind).expect("host");
    let narrow = t.clone().into_ndarray_narrow::<f16>(Casting::SameKind).expect("narrow");
    assert_eq!(f16_bits(&narrow), f16_bits(&host));
    let bf16_bits = |a: &ArrayD<bf16>| {
        a.iter()
            .map(|x| (!x.is_nan()).then(|| x.to_bits()))
            .collect::<Vec<_>>()
    };
    let host = t.to_ndarray_dyn_with::<bf16>(Casting::SameKind).expect("host bf16");
    let narrow = t.clone().into_ndarray_narrow::<bf16>(Casting::SameKind).expect("bf16");
    assert_eq!(bf16_bits(&narrow), bf16_bits(&host));
    let exact = t.into_ndarray_narrow::<f16>(Casting::Exact);
    assert!(matches!(exact, Err(Error::Inexact { .. })), "{exact:?}");

    let b = TestTensor::<1, Bool>::from_ndarray(&array![true, false, true], device).expect("bool");
    let bytes = b.into_ndarray_narrow::<u8>(Casting::Safe).expect("u8");
    assert_eq!(bytes, array![1u8, 0, 1].into_dyn());
}
