//! burn-nd's DLPack export and import on Burn 0.22's burn-flex, seen from inside: the storage
//! address Burn's own downcast reaches (the conformance suite sees the same from outside).

use burn::tensor::{Device, Tensor, TensorData};

use super::direct::tests::burn_address;
use crate::dlpack::{Dlpack, DlpackFlags, FromDlpack, ToDlpack};
use crate::ToNdarray;

fn address(exported: &Dlpack) -> usize {
    let tensor = exported.validate().unwrap();
    tensor.data_ptr() as usize + tensor.byte_offset() as usize
}

/// `to_dlpack` shares the storage read-only, with Burn's strides and offset; while the
/// export lives Burn's in-place op on the tensor writes a copy, never the shared memory;
/// once it is dropped the tensor's buffer is its own again (handed over by `into_dlpack`).
#[test]
fn a_shared_export_is_the_storage_and_burn_never_writes_it() {
    for device in [Device::flex(), Device::flex().autodiff()] {
        let values: Vec<f32> = (0..12).map(|i| i as f32).collect();
        let t = Tensor::<2>::from_data(TensorData::new(values.clone(), [3, 4]), &device);
        let storage = burn_address(&t);
        let exported = t.to_dlpack().unwrap();
        assert_eq!(address(&exported), storage, "{device:?}");
        assert_eq!(exported.flags(), DlpackFlags::READ_ONLY);

        let sliced = t
            .clone()
            .slice([1..3, 1..3])
            .swap_dims(0, 1)
            .to_dlpack()
            .unwrap();
        let tensor = sliced.validate().unwrap();
        assert_eq!(tensor.strides(), Some(&[1i64, 4][..]));
        assert_eq!(address(&sliced), storage + 5 * 4);
        drop(sliced);

        // `t` is unique but for the export: Burn's in-place add must not write under it.
        let bumped = t + 1.0;
        let seen = Tensor::<2>::from_dlpack(exported, &Device::flex()).unwrap();
        assert_eq!(
            seen.to_ndarray::<f32>()
                .unwrap()
                .into_raw_vec_and_offset()
                .0,
            values
        );
        assert_eq!(bumped.to_ndarray::<f32>().unwrap()[[0, 0]], 1.0);
        drop(seen);

        let own = burn_address(&bumped);
        let handed = bumped.into_dlpack().unwrap();
        if !device.is_autodiff() {
            assert_eq!(handed.flags(), DlpackFlags::empty(), "the export let go");
            assert_eq!(address(&handed), own);
        }
    }
}

/// A row-major import keeps the exporter's memory (no copy), and so does a round trip.
#[test]
fn a_row_major_import_keeps_the_memory() {
    let t = Tensor::<2>::from_data(TensorData::new(vec![1.0f64; 6], [2, 3]), &Device::flex());
    let back = Tensor::<2>::from_dlpack(t.to_dlpack().unwrap(), &Device::flex()).unwrap();
    assert_eq!(burn_address(&back), burn_address(&t));
    let legacy = back.clone().into_dlpack_legacy().unwrap();
    assert_ne!(
        legacy.validate().unwrap().data_ptr() as usize,
        burn_address(&t),
        "copied"
    );
}
