// DLPack both ways (burn-nd feature `dlpack`): every dtype the backend holds and Bool, layouts
// made by Burn ops, what is shared and what is copied, foreign layouts in, the deleter, errors.

use std::sync::atomic::Ordering;

use burn::tensor::{s, Bool, DType, Float, Int};
use burn_nd::dlpack::dlpark::ffi::{DLDataType, DLDevice};
use burn_nd::dlpack::{dl_dtype, Dlpack, DlpackFlags, FromDlpack, ToDlpack};
use burn_nd::ndarray::{ArrayD, Dimension, IxDyn};
use burn_nd::prelude::*;
use burn_nd::{DTypeKind, NdDType};

use burn_nd_conformance::{foreign_dlpack, Expect};


/// The address of an export's first element.
fn address(exported: &Dlpack) -> usize {
    let tensor = exported.validate().expect("valid export");
    tensor.data_ptr() as usize + tensor.byte_offset() as usize
}

/// A tensor's dtype and row-major bytes, to compare any dtype exactly.
fn contents<const D: usize, K: TestKind>(t: &TestTensor<D, K>) -> (NdDType, Vec<u8>) {
    let buffer = t.clone().into_host_buffer().expect("read");
    (buffer.dtype(), buffer.as_bytes().to_vec())
}

/// A [3, 4] tensor of `dtype` holding 0..12 (bools: every third one true).
fn counting<K: TestKind>(device: &TestDevice, dtype: NdDType) -> TestTensor<2, K> {
    let values = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |ix| (ix[0] * 4 + ix[1]) as f64);
    if dtype == NdDType::Bool {
        return TestTensor::from_ndarray(&values.mapv(|v| v % 3.0 == 0.0), device).expect("bool");
    }
    TestTensor::from_ndarray_as(&values, device, DType::from(dtype), Casting::Unsafe)
        .unwrap_or_else(|e| panic!("{dtype}: {e}"))
}

/// Every dtype the backend holds, and Bool, exported from four layouts (row-major, transposed,
/// sliced, flipped) and imported back: same dtype and values; shared read-only where the
/// backend's memory is shared (`expect.shares_memory`; a flip and Bool are always copied),
/// copied elsewhere; a row-major import of a shared export keeps the memory.
pub fn dlpack_export(device: &TestDevice, expect: &Expect) {
    for dtype in NdDType::ALL {
        match dtype.kind() {
            DTypeKind::Float if expect.holds(dtype) => exports::<Float>(device, expect, dtype),
            DTypeKind::Int | DTypeKind::Uint if expect.holds(dtype) => {
                exports::<Int>(device, expect, dtype)
            }
            DTypeKind::Bool => exports::<Bool>(device, expect, dtype),
            _ => {}
        }
    }
}

fn exports<K: TestKind>(device: &TestDevice, expect: &Expect, dtype: NdDType) {
    let base = counting::<K>(device, dtype);
    let layouts = [
        ("row-major", base.clone(), true),
        ("transposed", base.clone().swap_dims(0, 1), true),
        ("sliced", base.clone().slice(s![1..3, 1..;2]), true),
        ("flipped", base.clone().flip([0]), false),
    ];
    for (name, t, shareable) in layouts {
        let ctx = format!("{dtype} {name}");
        let exported = t.to_dlpack().unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let described = exported.validate().expect("valid export");
        assert_eq!(described.device(), DLDevice::CPU, "{ctx}");
        assert_eq!(described.dtype(), dl_dtype(dtype), "{ctx}");
        let shape: Vec<i64> = t.dims().iter().map(|&n| n as i64).collect();
        assert_eq!(described.shape(), &shape[..], "{ctx}");
        let shared = expect.shares_memory && shareable && dtype != NdDType::Bool;
        let flags = if shared {
            DlpackFlags::READ_ONLY
        } else {
            DlpackFlags::IS_COPIED
        };
        assert_eq!(exported.flags(), flags, "{ctx}");
        if shared {
            let again = t.to_dlpack().expect("again");
            assert_eq!(address(&again), address(&exported), "{ctx}: two shares, one memory");
        }
        let share = t.dlpack_share().unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(share.is_some(), shared, "{ctx}: a share where to_dlpack shares");
        if let Some(share) = share {
            let again = share.to_dlpack().expect("from the share");
            assert_eq!(address(&again), address(&exported), "{ctx}: the share's memory");
            assert_eq!(again.flags(), DlpackFlags::READ_ONLY, "{ctx}");
            assert_eq!(again.validate().unwrap().strides(), described.strides(), "{ctx}");
        }
        let copied = t.to_dlpack_copied().expect("copy");
        assert_eq!(copied.flags(), DlpackFlags::IS_COPIED, "{ctx}");
        assert_ne!(address(&copied), address(&exported), "{ctx}: a copy of its own");
        let back = TestTensor::<2, K>::from_dlpack(exported, device)
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(contents(&back), contents(&t), "{ctx}");
    }
    if expect.shares_memory && dtype != NdDType::Bool {
        let exported = base.to_dlpack().expect("export");
        let memory = address(&exported);
        let back = TestTensor::<2, K>::from_dlpack(exported, device).expect("import");
        assert_eq!(address(&back.to_dlpack().expect("export")), memory, "{dtype}: no copy");
    }
    let legacy = base.clone().into_dlpack_legacy().expect("legacy");
    let back = TestTensor::<2, K>::from_dlpack(legacy, device).expect("legacy import");
    assert_eq!(contents(&back), contents(&base), "{dtype} legacy");
}

/// A Burn operation that may write in place, run on a tensor whose memory an export shares,
/// writes a new buffer: the export still reads the values it was given.
pub fn dlpack_copy_on_write(device: &TestDevice, _: &Expect) {
    let t = counting::<Float>(device, NdDType::F32);
    let before = contents(&t);
    let exported = t.to_dlpack().expect("export");
    let bumped = t + 1.0;
    let seen = TestTensor::<2>::from_dlpack(exported, device).expect("import");
    assert_eq!(contents(&seen), before);
    assert_ne!(contents(&bumped), before);
}

/// A [`DlpackShare`](burn_nd::dlpack::DlpackShare) keeps the tensor's memory as it was: an
/// operation that may write in place on the tensor writes a new buffer while the share lives,
/// and an export made from it reads the old values after the tensor and the share are gone.
pub fn dlpack_share_keeps_memory(device: &TestDevice, expect: &Expect) {
    let t = counting::<Float>(device, NdDType::F32);
    let before = contents(&t);
    let Some(share) = t.dlpack_share().expect("share") else {
        assert!(!expect.shares_memory, "no share of memory the backend shares");
        return;
    };
    let bumped = t + 1.0;
    let exported = share.to_dlpack().expect("export");
    drop(share);
    assert_ne!(contents(&bumped), before);
    let seen = TestTensor::<2>::from_dlpack(exported, device).expect("import");
    assert_eq!(contents(&seen), before);
}

/// A tensor from a foreign DLPack tensor of f32 values `0, 1, 2, ...` laid out as given: the
/// values its layout names, in logical order; its deleter runs exactly once, when the last
/// tensor on the memory is gone (before `from_dlpack` returns when it was copied).
fn import_layout<const D: usize>(
    device: &TestDevice,
    expect: &Expect,
    shape: [usize; D],
    strides: [isize; D],
    first: usize,
    misaligned: bool,
) {
    let ctx = format!("shape {shape:?} strides {strides:?} first {first} misaligned {misaligned}");
    let reach: isize = shape
        .iter()
        .zip(&strides)
        .map(|(&n, &s)| if n > 1 { (n as isize - 1) * s.abs() } else { 0 })
        .sum();
    let values: Vec<f32> = (0..first + reach as usize + 1).map(|i| i as f32).collect();
    let (exported, deleted) =
        foreign_dlpack(&values, &shape, &strides, first, misaligned, DLDevice::CPU, None);
    let t = TestTensor::<D>::from_dlpack(exported, device).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let expected = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
        let at = ix
            .as_array_view()
            .iter()
            .zip(&strides)
            .fold(first as isize, |at, (&i, &s)| at + i as isize * s);
        values[at as usize]
    });
    assert_eq!(t.to_ndarray_dyn::<f32>().expect("read"), expected, "{ctx}");
    let mut compact = 1;
    let row_major = shape.iter().zip(&strides).rev().all(|(&n, &s)| {
        let ok = n == 1 || s == compact;
        compact *= n as isize;
        ok
    });
    let kept = expect.shares_memory && row_major && !misaligned && !shape.contains(&0);
    assert_eq!(deleted.load(Ordering::SeqCst), usize::from(!kept), "{ctx}: kept {kept}");
    drop(t);
    assert_eq!(deleted.load(Ordering::SeqCst), 1, "{ctx}: deleter once, after the tensor");
}

/// Foreign layouts in: row-major (with an offset), Fortran order, negative, stepped and zero
/// strides, any stride on an axis of length 1, no elements, ranks 1 and 8, misaligned memory; bool bytes other than 0 or 1 read
/// as true; a GPU tensor, a dtype Burn lacks and a wrong rank refused by name.
pub fn dlpack_import(device: &TestDevice, expect: &Expect) {
    import_layout(device, expect, [2, 3], [3, 1], 2, false);
    import_layout(device, expect, [2, 3], [1, 2], 0, false);
    import_layout(device, expect, [2, 3], [-3, 1], 3, false);
    import_layout(device, expect, [3, 2], [-1, -3], 5, false);
    import_layout(device, expect, [2, 2], [6, 2], 1, false);
    import_layout(device, expect, [3, 4], [0, 1], 0, false);
    import_layout(device, expect, [0, 3], [3, 1], 0, false);
    import_layout(device, expect, [5], [1], 0, false);
    import_layout(device, expect, [5], [2], 1, true);
    import_layout(device, expect, [2, 3], [3, 1], 0, true);
    import_layout(device, expect, [1, 2, 1, 2, 1, 1, 3, 1], [12, 6, 6, 3, 3, 3, 1, 1], 0, false);
    // An axis of length 1 may have any stride, the most negative one included.
    import_layout(device, expect, [1, 3], [isize::MIN, 2], 0, false);

    let bool_bytes = Some(DLDataType::BOOL);
    let (bytes, _) = foreign_dlpack(&[0u8, 2, 1, 255], &[4], &[1], 0, false, DLDevice::CPU, bool_bytes);
    let bools = TestTensor::<1, Bool>::from_dlpack(bytes, device).expect("bool");
    // Written as bools: a u8 array relabelled as kDLBool.
    assert_eq!(bools.to_ndarray::<bool>().expect("read").to_vec(), [false, true, true, true]);

    let errors = [
        (DLDevice::cuda(0), dl_dtype(NdDType::F32), "CUDA:0"),
        (DLDevice::CPU, DLDataType::C64, "has no Burn dtype"),
    ];
    for (on, dtype, named) in errors {
        let (exported, deleted) =
            foreign_dlpack(&[1.0f32, 2.0], &[2], &[1], 0, false, on, Some(dtype));
        let err = TestTensor::<1>::from_dlpack(exported, device).expect_err(named);
        assert!(err.to_string().contains(named), "{err}");
        assert_eq!(deleted.load(Ordering::SeqCst), 1, "{named}: deleted");
    }
    let (exported, _) = foreign_dlpack(&[1.0f32, 2.0], &[2], &[1], 0, false, DLDevice::CPU, None);
    let err = TestTensor::<2>::from_dlpack(exported, device).expect_err("rank");
    assert!(matches!(err, Error::Rank { .. }), "{err}");
}

/// Eight threads export and import one shared tensor at once.
pub fn dlpack_threads(device: &TestDevice, _: &Expect) {
    let t = counting::<Float>(device, NdDType::F32);
    let expected = contents(&t);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            let (t, expected) = (t.clone(), &expected);
            scope.spawn(move || {
                for _ in 0..20 {
                    let exported = t.to_dlpack().expect("export");
                    let back = TestTensor::<2>::from_dlpack(exported, device).expect("import");
                    assert_eq!(&contents(&back), expected);
                }
            });
        }
    });
}
