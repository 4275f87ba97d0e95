//! `can_cast` against the table NumPy generated (tests/scripts/gen_can_cast.py), plus the
//! bf16 rules NumPy has no dtype for.

use burn_nd::{can_cast, Casting, NdDType};

fn dtype(name: &str) -> NdDType {
    match name {
        "bool" => NdDType::Bool,
        "uint8" => NdDType::U8,
        "uint16" => NdDType::U16,
        "uint32" => NdDType::U32,
        "uint64" => NdDType::U64,
        "int8" => NdDType::I8,
        "int16" => NdDType::I16,
        "int32" => NdDType::I32,
        "int64" => NdDType::I64,
        "float16" => NdDType::F16,
        "float32" => NdDType::F32,
        "float64" => NdDType::F64,
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
        NdDType::Bool,
        NdDType::U8,
        NdDType::U16,
        NdDType::U32,
        NdDType::U64,
        NdDType::I8,
        NdDType::I16,
        NdDType::I32,
        NdDType::I64,
        NdDType::F16,
        NdDType::BF16,
        NdDType::F32,
        NdDType::F64,
    ];
    for other in all {
        let into = matches!(
            other,
            NdDType::Bool | NdDType::U8 | NdDType::I8 | NdDType::BF16
        );
        assert_eq!(
            can_cast(other, NdDType::BF16, Casting::Safe),
            into,
            "{other:?} -> bf16"
        );
        let out = matches!(other, NdDType::BF16 | NdDType::F32 | NdDType::F64);
        assert_eq!(
            can_cast(NdDType::BF16, other, Casting::Safe),
            out,
            "bf16 -> {other:?}"
        );
        // Every type is of a kind at or below float.
        assert!(
            can_cast(other, NdDType::BF16, Casting::SameKind),
            "{other:?} -> bf16"
        );
        let kind_out = matches!(
            other,
            NdDType::F16 | NdDType::BF16 | NdDType::F32 | NdDType::F64
        );
        assert_eq!(
            can_cast(NdDType::BF16, other, Casting::SameKind),
            kind_out,
            "bf16 -> {other:?}"
        );
        assert_eq!(
            can_cast(other, NdDType::BF16, Casting::No),
            other == NdDType::BF16
        );
        assert!(can_cast(other, NdDType::BF16, Casting::Unsafe));
    }
}
