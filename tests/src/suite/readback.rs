// The awaited and batched read-backs (`ToNdarrayAsync`, `read_batch`): the values of the
// blocking read, every cast checked before anything is read.

use burn::tensor::{Bool, Int};
use burn_nd::ndarray::{array, ArrayD};
use burn_nd::prelude::*;
use burn_nd::{read_batch, ToNdarrayAsync};

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
