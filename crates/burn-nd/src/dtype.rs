//! [`NdDType`], the dtypes burn-nd converts, and the one list of them that every per-dtype
//! `match`, enum and trait impl in the crate is generated from.

use core::fmt;

/// The list of dtypes burn-nd converts, one entry per dtype:
/// `Variant: rust_type, kind, bits, "numpy name"` (kind is `float`, `half` (f16 and bf16,
/// floats the `half` crate provides), `int`, `uint` or `bool`). Every per-dtype enum, `match`
/// and impl in the crate is written from this list, so a dtype is added or changed in one
/// place. The order is NumPy's: floats from the widest, then signed and unsigned integers from
/// the widest, then bool.
///
/// - `dtypes!(callback, args..)` calls `callback! { args.., [entries] }` with every entry;
/// - `dtypes!(filter mode, callback, args)` calls `callback! { args, [entries] }` with the
///   entries `mode` keeps: `primitive` (Rust's primitive numbers, which `as` converts between:
///   no f16/bf16, no bool), `no_half` (no f16/bf16) or `no_bool`.
macro_rules! dtypes {
    // The filter's steps (first, so a public call never starts parsing them): drop or keep one
    // entry, then hand what is kept to the callback.
    ((keep $mode:ident, $cb:ident, $args:tt, [$($acc:tt)*]), []) => {
        $cb! { $args, [$($acc)*] }
    };
    ((keep primitive, $cb:ident, $args:tt, $acc:tt), [$v:ident: $t:ty, half, $b:literal, $n:literal; $($rest:tt)*]) => {
        dtypes! { (keep primitive, $cb, $args, $acc), [$($rest)*] }
    };
    ((keep primitive, $cb:ident, $args:tt, $acc:tt), [$v:ident: $t:ty, bool, $b:literal, $n:literal; $($rest:tt)*]) => {
        dtypes! { (keep primitive, $cb, $args, $acc), [$($rest)*] }
    };
    ((keep no_half, $cb:ident, $args:tt, $acc:tt), [$v:ident: $t:ty, half, $b:literal, $n:literal; $($rest:tt)*]) => {
        dtypes! { (keep no_half, $cb, $args, $acc), [$($rest)*] }
    };
    ((keep no_bool, $cb:ident, $args:tt, $acc:tt), [$v:ident: $t:ty, bool, $b:literal, $n:literal; $($rest:tt)*]) => {
        dtypes! { (keep no_bool, $cb, $args, $acc), [$($rest)*] }
    };
    ((keep $mode:ident, $cb:ident, $args:tt, [$($acc:tt)*]), [$v:ident: $t:ty, $k:ident, $b:literal, $n:literal; $($rest:tt)*]) => {
        dtypes! { (keep $mode, $cb, $args, [$($acc)* $v: $t, $k, $b, $n;]), [$($rest)*] }
    };
    (filter $mode:ident, $cb:ident, $args:tt) => {
        dtypes! { dtypes, (keep $mode, $cb, $args, []) }
    };
    ($callback:ident $(, $arg:tt)*) => {
        $callback! {
            $($arg,)*
            [
                F64: f64, float, 64, "float64";
                F32: f32, float, 32, "float32";
                F16: half::f16, half, 16, "float16";
                BF16: half::bf16, half, 16, "bfloat16";
                I64: i64, int, 64, "int64";
                I32: i32, int, 32, "int32";
                I16: i16, int, 16, "int16";
                I8: i8, int, 8, "int8";
                U64: u64, uint, 64, "uint64";
                U32: u32, uint, 32, "uint32";
                U16: u16, uint, 16, "uint16";
                U8: u8, uint, 8, "uint8";
                Bool: bool, bool, 8, "bool";
            ]
        }
    };
}

/// `$body` with the type alias `$E` naming the element type of the [`NdDType`] `$dtype`:
/// `for_nd_dtype!(dtype, E => read::<E>(x))`, a `match` with one arm per entry of [`dtypes`].
macro_rules! for_nd_dtype {
    // The arms (first, so a public call never starts parsing them).
    ((arms ($dtype:expr), $E:ident, ($body:expr)), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        match $dtype {
            $($crate::NdDType::$v => {
                #[allow(dead_code)]
                type $E = $t;
                $body
            })*
        }
    };
    ($dtype:expr, $E:ident => $body:expr) => {
        dtypes!(for_nd_dtype, (arms ($dtype), $E, ($body)))
    };
}

/// What kind of number a dtype holds, in NumPy's order: bool < unsigned < signed < float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DTypeKind {
    /// `bool`.
    Bool,
    /// Unsigned integers.
    Uint,
    /// Signed integers.
    Int,
    /// Floating-point numbers.
    Float,
}

/// [`NdDType`] and its per-dtype `match`es, from the entries of [`dtypes`].
macro_rules! define_nd_dtype {
    // A list entry's kind as a [`DTypeKind`].
    (kind float) => { DTypeKind::Float };
    (kind half) => { DTypeKind::Float };
    (kind int) => { DTypeKind::Int };
    (kind uint) => { DTypeKind::Uint };
    (kind bool) => { DTypeKind::Bool };
    ([$($v:ident: $t:ty, $kind:ident, $bits:literal, $name:literal;)*]) => {
        /// A dtype burn-nd converts: the element type of an array, whatever Burn release or
        /// backend the tensor came from.
        ///
        /// Burn's own `DType` also says how a backend stores a value (`Bool(BoolStore::U32)`,
        /// `Flex32`); burn-nd converts logical values, so those fold away here: every Burn
        /// bool is [`NdDType::Bool`] and `Flex32` is [`NdDType::F32`]. A Burn `DType` converts
        /// with `NdDType::try_from` and compares with `==` directly, and every function that
        /// takes a dtype accepts either ([`DTypeLike`]).
        ///
        /// ```
        /// use burn::tensor::DType;
        /// use burn_nd::NdDType;
        ///
        /// assert_eq!(NdDType::F32, DType::F32);
        /// assert_eq!(NdDType::try_from(DType::Flex32), Ok(NdDType::F32));
        /// assert_eq!(NdDType::BF16.name(), "bfloat16"); // NumPy's name, as errors print it
        /// assert_eq!(NdDType::U16.size(), 2);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)] // each variant is named after its element type
        pub enum NdDType { $($v,)* }

        impl NdDType {
            /// Every dtype, in NumPy's order (floats, signed, unsigned, bool).
            ///
            /// ```
            /// assert_eq!(burn_nd::NdDType::ALL.len(), 13);
            /// ```
            pub const ALL: [NdDType; [$(stringify!($v)),*].len()] = [$(NdDType::$v),*];

            /// NumPy's name (`bfloat16` for bf16, which NumPy itself lacks).
            ///
            /// ```
            /// assert_eq!(burn_nd::NdDType::I8.name(), "int8");
            /// ```
            pub const fn name(self) -> &'static str {
                match self { $(NdDType::$v => $name,)* }
            }

            /// The size of one element in bytes.
            ///
            /// ```
            /// assert_eq!(burn_nd::NdDType::F64.size(), 8);
            /// ```
            pub const fn size(self) -> usize {
                match self { $(NdDType::$v => size_of::<$t>(),)* }
            }

            /// The kind of number it holds.
            ///
            /// ```
            /// use burn_nd::{DTypeKind, NdDType};
            ///
            /// assert_eq!(NdDType::U8.kind(), DTypeKind::Uint);
            /// ```
            pub const fn kind(self) -> DTypeKind {
                match self { $(NdDType::$v => define_nd_dtype!(kind $kind),)* }
            }

            /// The width in bits (8 for bool, which is stored as a byte).
            pub(crate) const fn bits(self) -> u32 {
                match self { $(NdDType::$v => $bits,)* }
            }
        }
    };
}

dtypes!(define_nd_dtype);

impl fmt::Display for NdDType {
    /// NumPy's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Anything that names a dtype: an [`NdDType`], or a `DType` of a Burn release burn-nd
/// supports. A quantized Burn dtype names none (`as_nd_dtype` is `None`).
///
/// ```
/// use burn::tensor::DType;
/// use burn_nd::{DTypeLike, NdDType};
///
/// assert_eq!(DType::I32.as_nd_dtype(), Some(NdDType::I32));
/// assert_eq!(NdDType::Bool.as_nd_dtype(), Some(NdDType::Bool));
/// ```
pub trait DTypeLike: Copy + fmt::Debug {
    /// The dtype, or `None` for a quantized one.
    fn as_nd_dtype(&self) -> Option<NdDType>;
}

impl DTypeLike for NdDType {
    fn as_nd_dtype(&self) -> Option<NdDType> {
        Some(*self)
    }
}

/// The kind of a Burn tensor, as Burn's `Float`, `Int` and `Bool` type parameters name it:
/// which dtypes its tensors may hold ([`holds`](Self::holds)).
///
/// ```
/// use burn_nd::{NdDType, TensorKind};
///
/// assert_eq!(TensorKind::from_name("Int"), Some(TensorKind::Int));
/// assert!(TensorKind::Int.holds(NdDType::U8));
/// assert!(!TensorKind::Float.holds(NdDType::I32));
/// assert_eq!(TensorKind::Bool.name(), "Bool");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TensorKind {
    /// `Float`: float dtypes.
    Float,
    /// `Int`: signed and unsigned integer dtypes.
    Int,
    /// `Bool`: bool.
    Bool,
}

impl TensorKind {
    /// Every kind.
    pub const ALL: [TensorKind; 3] = [TensorKind::Float, TensorKind::Int, TensorKind::Bool];

    /// Burn's name of the kind (what a Burn kind's `K::name()` returns).
    pub const fn name(self) -> &'static str {
        match self {
            TensorKind::Float => "Float",
            TensorKind::Int => "Int",
            TensorKind::Bool => "Bool",
        }
    }

    /// The kind Burn names `name` (`"Float"`, `"Int"` or `"Bool"`), `None` for another name.
    pub fn from_name(name: &str) -> Option<TensorKind> {
        TensorKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether a tensor of this kind can hold values of `dtype`: floats for Float, signed and
    /// unsigned integers for Int, bool for Bool; never a quantized dtype.
    pub fn holds(self, dtype: impl DTypeLike) -> bool {
        let Some(dtype) = dtype.as_nd_dtype() else {
            return false;
        };
        match self {
            TensorKind::Float => dtype.kind() == DTypeKind::Float,
            TensorKind::Int => matches!(dtype.kind(), DTypeKind::Int | DTypeKind::Uint),
            TensorKind::Bool => dtype == NdDType::Bool,
        }
    }
}

impl fmt::Display for TensorKind {
    /// Burn's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a tensor of `kind` can hold values of `dtype` ([`TensorKind::holds`]).
///
/// ```
/// use burn_nd::backend::kind_holds;
/// use burn_nd::{NdDType, TensorKind};
///
/// assert!(kind_holds(TensorKind::Int, NdDType::U8));
/// assert!(!kind_holds(TensorKind::Float, NdDType::I32));
/// ```
pub fn kind_holds(kind: TensorKind, dtype: impl DTypeLike) -> bool {
    kind.holds(dtype)
}
