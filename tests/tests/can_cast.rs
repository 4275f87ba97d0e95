//! `can_cast` against the table NumPy generated (tests/scripts/gen_can_cast.py), plus the
//! bf16 rules NumPy has no dtype for.

use burn::tensor::{BoolStore, DType};
use burn_nd::{can_cast, Casting};

fn dtype(name: &str) -> DType {
    match name {
        "bool" => DType::Bool(BoolStore::Native),
        "uint8" => DType::U8,
        "uint16" => DType::U16,
        "uint32" => DType::U32,
        "uint64" => DType::U64,
        "int8" => DType::I8,
        "int16" => DType::I16,
        "int32" => DType::I32,
        "int64" => DType::I64,
        "float16" => DType::F16,
        "float32" => DType::F32,
        "float64" => DType::F64,
        other => panic!("unknown dtype {other} in the NumPy table"),
    }
}

const MODES: [Casting; 4] = [
    Casting::No,
    Casting::Safe,
    Casting::SameKind,
    Casting::Unsafe,
];

#[test]
fn agrees_with_numpy_on_every_pair() {
    let table = include_str!("../data/numpy_can_cast.tsv");
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "{line}");
        let (from, to) = (dtype(cols[0]), dtype(cols[1]));
        for (mode, want) in MODES.iter().zip(&cols[2..]) {
            assert_eq!(
                can_cast(from, to, *mode),
                *want == "1",
                "numpy.can_cast({}, {}, {mode:?})",
                cols[0],
                cols[1]
            );
        }
        // Exact allows every pair; the check happens on values.
        assert!(can_cast(from, to, Casting::Exact));
        rows += 1;
    }
    assert_eq!(rows, 144, "12 x 12 dtype pairs");
}

#[test]
fn bf16_is_safe_only_where_every_value_fits() {
    let all = [
        DType::Bool(BoolStore::Native),
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::F16,
        DType::BF16,
        DType::F32,
        DType::F64,
    ];
    for other in all {
        let into = matches!(other, DType::Bool(_) | DType::U8 | DType::I8 | DType::BF16);
        assert_eq!(
            can_cast(other, DType::BF16, Casting::Safe),
            into,
            "{other:?} -> bf16"
        );
        let out = matches!(other, DType::BF16 | DType::F32 | DType::F64);
        assert_eq!(
            can_cast(DType::BF16, other, Casting::Safe),
            out,
            "bf16 -> {other:?}"
        );
        // Every type is of a kind at or below float.
        assert!(
            can_cast(other, DType::BF16, Casting::SameKind),
            "{other:?} -> bf16"
        );
        let kind_out = matches!(other, DType::F16 | DType::BF16 | DType::F32 | DType::F64);
        assert_eq!(
            can_cast(DType::BF16, other, Casting::SameKind),
            kind_out,
            "bf16 -> {other:?}"
        );
        assert_eq!(
            can_cast(other, DType::BF16, Casting::No),
            other == DType::BF16
        );
        assert!(can_cast(other, DType::BF16, Casting::Unsafe));
    }
}

#[test]
fn storage_details_do_not_matter() {
    for store in [BoolStore::U8, BoolStore::U32] {
        assert!(can_cast(
            DType::Bool(store),
            DType::Bool(BoolStore::Native),
            Casting::No
        ));
    }
    assert!(can_cast(DType::Flex32, DType::F32, Casting::No));
}
