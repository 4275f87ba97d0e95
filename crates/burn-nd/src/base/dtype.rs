//! [`NdDType`], the dtypes burn-nd converts, and the one list of them that every per-dtype
//! `match`, enum and trait impl in the crate is generated from.

use core::fmt;

use crate::Error;

/// Calls `$callback!` with the list of dtypes burn-nd converts, one entry per dtype:
/// `Variant: rust_type, kind, bits, "numpy name"` (kind is `float`, `half`
/// (f16 and bf16, floats the `half` crate provides), `int`, `uint` or `bool`).
/// Every per-dtype enum, `match` and impl in the crate is written from this list, so a dtype
/// is added or changed in one place. The order is NumPy's: floats from the widest, then
/// signed and unsigned integers from the widest, then bool.
macro_rules! dtypes {
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

/// Calls `$cb! { $args, [entries] }` with the entries of [`dtypes`] that `$mode` keeps:
/// `primitive` (Rust's primitive numbers, which `as` converts between: no f16/bf16, no bool),
/// `no_half` (no f16/bf16) or `no_bool`. Use as `dtypes!(filter_dtypes, mode, cb, args)`.
macro_rules! filter_dtypes {
    ($mode:ident, $cb:ident, $args:tt, [$($list:tt)*]) => {
        filter_dtypes! { @ $mode, $cb, $args, [], [$($list)*] }
    };
    (@ $mode:ident, $cb:ident, $args:tt, [$($acc:tt)*], []) => {
        $cb! { $args, [$($acc)*] }
    };
    (@ primitive, $cb:ident, $args:tt, [$($acc:tt)*], [$v:ident: $t:ty, half, $b:literal, $n:literal; $($rest:tt)*]) => {
        filter_dtypes! { @ primitive, $cb, $args, [$($acc)*], [$($rest)*] }
    };
    (@ primitive, $cb:ident, $args:tt, [$($acc:tt)*], [$v:ident: $t:ty, bool, $b:literal, $n:literal; $($rest:tt)*]) => {
        filter_dtypes! { @ primitive, $cb, $args, [$($acc)*], [$($rest)*] }
    };
    (@ no_half, $cb:ident, $args:tt, [$($acc:tt)*], [$v:ident: $t:ty, half, $b:literal, $n:literal; $($rest:tt)*]) => {
        filter_dtypes! { @ no_half, $cb, $args, [$($acc)*], [$($rest)*] }
    };
    (@ no_bool, $cb:ident, $args:tt, [$($acc:tt)*], [$v:ident: $t:ty, bool, $b:literal, $n:literal; $($rest:tt)*]) => {
        filter_dtypes! { @ no_bool, $cb, $args, [$($acc)*], [$($rest)*] }
    };
    (@ $mode:ident, $cb:ident, $args:tt, [$($acc:tt)*], [$v:ident: $t:ty, $k:ident, $b:literal, $n:literal; $($rest:tt)*]) => {
        filter_dtypes! { @ $mode, $cb, $args, [$($acc)* $v: $t, $k, $b, $n;], [$($rest)*] }
    };
}

/// The conversions and comparisons between [`NdDType`] and one Burn line's `DType`, written
/// once for every line: `burn_dtype_impls!(burn::tensor)`, naming the module that holds that
/// line's `DType` and `BoolStore`. The orphan rule puts them in this crate, beside `NdDType`.
macro_rules! burn_dtype_impls {
    ($($m:ident)::+) => {
        // `Bool` is matched with its store, so it leaves the list here.
        dtypes!(filter_dtypes, no_bool, burn_dtype_map, ($($m)::+));

        impl $crate::DTypeLike for $($m)::+::DType {
            fn as_nd_dtype(&self) -> Option<$crate::NdDType> {
                $crate::NdDType::try_from(*self).ok()
            }
        }

        /// The element type a `dtype` tensor's read-back bytes hold: bool stores as the
        /// integers they are, `Flex32` as f32; a quantized dtype is `Error::Quantized`.
        pub(crate) fn stored(
            dtype: $($m)::+::DType,
        ) -> Result<$crate::NdDType, $crate::Error> {
            use $($m)::+::{BoolStore, DType as D};
            Ok(match dtype {
                // Native bools are bytes holding 0 or 1; reading them as u8 avoids trusting
                // that invariant, and 0/1 casts to every type as false/true would.
                D::Bool(BoolStore::Native | BoolStore::U8) => $crate::NdDType::U8,
                D::Bool(BoolStore::U32) => $crate::NdDType::U32,
                other => $crate::NdDType::try_from(other).map_err(|q| $crate::Error::quantized(&q))?,
            })
        }

        /// Equal when Burn's dtype holds the same logical values (any bool store, `Flex32` as
        /// f32).
        impl PartialEq<$($m)::+::DType> for $crate::NdDType {
            fn eq(&self, other: &$($m)::+::DType) -> bool {
                $crate::DTypeLike::as_nd_dtype(other) == Some(*self)
            }
        }

        /// Equal when Burn's dtype holds the same logical values (any bool store, `Flex32` as
        /// f32).
        impl PartialEq<$crate::NdDType> for $($m)::+::DType {
            fn eq(&self, other: &$crate::NdDType) -> bool {
                other == self
            }
        }

        #[cfg(test)]
        mod tests {
            use $($m)::+::{BoolStore, DType};

            use crate::{can_cast, Casting, NdDType};

            #[test]
            fn every_dtype_maps_to_burn_and_back() {
                for dtype in NdDType::ALL {
                    assert_eq!(NdDType::try_from(DType::from(dtype)), Ok(dtype));
                }
                assert_eq!(
                    NdDType::try_from(DType::Bool(BoolStore::U32)),
                    Ok(NdDType::Bool)
                );
                assert_eq!(NdDType::try_from(DType::Flex32), Ok(NdDType::F32));
                let q = DType::QFloat($($m)::+::quantization::QuantScheme::default());
                assert_eq!(NdDType::try_from(q), Err(q));
                assert_ne!(NdDType::F32, DType::F64);
            }

            /// One `can_cast` serves both lines: it takes this line's `DType` too, and how
            /// Burn stores a dtype (bool stores, `Flex32`) does not change the answer.
            #[test]
            fn can_cast_takes_this_lines_dtype() {
                assert!(can_cast(DType::F32, DType::F64, Casting::Safe));
                assert!(!can_cast(DType::F64, NdDType::F32, Casting::Safe));
                for store in [BoolStore::U8, BoolStore::U32] {
                    assert!(can_cast(DType::Bool(store), DType::Bool(BoolStore::Native), Casting::No));
                    assert!(can_cast(DType::Bool(store), NdDType::U8, Casting::Safe));
                }
                assert!(can_cast(DType::Flex32, DType::F32, Casting::No));
            }
        }
    };
}

/// `TryFrom` and `From` between [`NdDType`] and a line's `DType`, for [`burn_dtype_impls`].
macro_rules! burn_dtype_map {
    (($($m:ident)::+), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        impl TryFrom<$($m)::+::DType> for $crate::NdDType {
            /// A quantized dtype, which has no `NdDType`.
            type Error = $($m)::+::DType;

            /// The logical dtype of a Burn dtype: every bool store is `Bool`, `Flex32` is `F32`.
            fn try_from(dtype: $($m)::+::DType) -> Result<Self, Self::Error> {
                use $($m)::+::DType as D;
                Ok(match dtype {
                    D::Flex32 => $crate::NdDType::F32,
                    D::Bool(_) => $crate::NdDType::Bool,
                    $(D::$v => $crate::NdDType::$v,)*
                    D::QFloat(_) => return Err(dtype),
                })
            }
        }

        impl From<$crate::NdDType> for $($m)::+::DType {
            /// The Burn dtype that stores it natively (`DType::Bool(BoolStore::Native)` for bool).
            fn from(dtype: $crate::NdDType) -> Self {
                use $($m)::+::{BoolStore, DType as D};
                match dtype {
                    $crate::NdDType::Bool => D::Bool(BoolStore::Native),
                    $($crate::NdDType::$v => D::$v,)*
                }
            }
        }
    };
}

/// A Burn line's `TensorData` ↔ typed vectors, written once for every line:
/// `line_data_impls!(burn::tensor, burn_0_21)`, in a module that defines
/// `fn parts(TensorData) -> (Bytes, Vec<usize>, DType)`, `fn shape_of(&TensorData) ->
/// Vec<usize>`, `fn load_host_bytes(&Bytes) -> Result<(), Error>` and
/// `fn exclusive_host_bytes(&mut Bytes) -> Result<bool, Error>` (the line's
/// `TensorData`, `Bytes` and `DType` in scope) and whose line module
/// is `crate::$line`. It defines `data_into_vec`, `array_from_data` and `slice_to_data`
/// there, and makes the line's `TensorData` a [`TensorDataLike`](crate::TensorDataLike).
macro_rules! line_data_impls {
    ($($m:ident)::+, $line:ident) => {
        /// `data`'s values as an array of dimension `Dm`, cast under `casting` (the caller
        /// has checked the cast on the tensor's logical dtype).
        pub(crate) fn array_from_data<E: $crate::NdElement, Dm: ndarray::Dimension>(
            data: TensorData,
            casting: $crate::Casting,
        ) -> Result<ndarray::Array<E, Dm>, $crate::Error> {
            let shape = shape_of(&data);
            let values = data_into_vec::<E>(data, casting == $crate::Casting::Exact)?;
            $crate::base::array::shaped(&shape, values)
        }

        impl $crate::base::readback::sealed::Sealed for TensorData {}

        impl $crate::TensorDataLike for TensorData {
            fn into_array<E: $crate::NdElement>(
                self,
                casting: $crate::Casting,
            ) -> Result<ndarray::ArrayD<E>, $crate::Error> {
                array_from_data(self, casting)
            }
        }

        /// The data's elements, in order, as `E`. The caller has checked the cast on the
        /// tensor's logical dtype; the data's dtype is the storage dtype the backend read
        /// back, which may be wider (tch reads every Int as i64, cube reads Bool as u32).
        /// Casting the stored values with `as` semantics gives the same result as casting the
        /// logical values, since they fit the logical dtype; under `Exact` every stored value
        /// is checked.
        pub(crate) fn data_into_vec<E: $crate::NdElement>(
            data: TensorData,
            exact: bool,
        ) -> Result<Vec<E>, $crate::Error> {
            let (bytes, shape, dtype) = parts(data);
            load_host_bytes(&bytes)?;
            // The stored dtype itself, not its logical one: a bool stored as u32 is no
            // `Vec<bool>`.
            if dtype == DType::from(E::DTYPE) {
                // Same type: the buffer is handed over when the backend allows it. Otherwise
                // (a GPU read-back) one copy by `fast::copy`, whose large buffers use huge
                // pages, not by Burn's `into_vec`, whose `to_vec` faults in every 4 KiB page.
                return match bytes.try_into_vec::<E>() {
                    Ok(values) => Ok(values),
                    Err(bytes) => {
                        $crate::base::array::cast_stored(&bytes, E::DTYPE, &shape, false)
                    }
                };
            }
            let stored = $crate::$line::dtype::stored(dtype)?;
            $crate::base::array::cast_stored(&bytes, stored, &shape, exact)
        }

        /// `data`, the read-back of a tensor of dtype `logical`, as a [`HostBuffer`]: its
        /// own bytes when Burn stored them as `logical` elements in memory only they hold
        /// (no copy, whatever their alignment), else its values cast to `logical` (one copy:
        /// also for bytes still shared with another owner, such as a NumPy array, and for a
        /// device read-back; the line's `exclusive_host_bytes` decides).
        ///
        /// [`HostBuffer`]: $crate::HostBuffer
        pub(crate) fn host_buffer_from_data(
            data: TensorData,
            logical: $crate::NdDType,
        ) -> Result<$crate::HostBuffer, $crate::Error> {
            let (mut bytes, shape, dtype) = parts(data);
            let exclusive = exclusive_host_bytes(&mut bytes)?;
            let bytes = if exclusive && dtype == DType::from(logical) {
                // SAFETY: `exclusive_host_bytes` let through only bytes whose memory is on the
                // heap at one address and reached by this value alone, so `deref_mut` neither
                // copies nor moves it: Burn's native allocations (both lines) and, on 0.22, a
                // shared controller's private native copy after its copy-on-write (its
                // `write(no_copy)` succeeds only then). That is those controllers' behaviour,
                // read in cubecl-common 0.10 and cubecl-environment 0.11.4, not a trait
                // contract.
                match unsafe { $crate::HostBuffer::from_heap_bytes(bytes, shape.clone(), logical) } {
                    Ok(buffer) => return Ok(buffer),
                    Err(bytes) => bytes,
                }
            } else {
                bytes
            };
            let stored = $crate::$line::dtype::stored(dtype)?;
            for_nd_dtype!(logical, E => Ok($crate::HostBuffer::from_vec(
                $crate::base::array::cast_stored::<E>(&bytes, stored, &shape, false)?,
                shape,
            )))
        }

        /// `data` of `values` and `shape`, handing the vector's buffer to Burn without a copy.
        fn vec_data<E: $crate::NdElement>(
            values: Vec<E>,
            shape: Vec<usize>,
            dtype: DType,
        ) -> TensorData {
            TensorData::from_bytes(Bytes::from_elems(values), shape, dtype)
        }

        /// `src` (row-major, of `shape`) cast to `target` as tensor data whose dtype is
        /// exactly `target`, so Burn's own (panicking) conversion never runs. `Flex32` is
        /// built as f32 data. An owned `src` of the target dtype (an array gathered from
        /// strides) becomes the data's buffer, not copied again.
        pub(crate) fn slice_to_data<A: $crate::NdElement>(
            src: std::borrow::Cow<'_, [A]>,
            shape: &[usize],
            target: DType,
            casting: $crate::Casting,
        ) -> Result<TensorData, $crate::Error> {
            use $($m)::+::BoolStore;
            use $crate::base::element::cast_slice;
            $crate::base::casting::check_cast(A::DTYPE, target, casting)?;
            let nd = $crate::base::dtype::target_dtype(target)?;
            let exact = casting == $crate::Casting::Exact;
            Ok(match target {
                DType::Bool(store) => {
                    let bools = cast_slice::<A, bool>(&src, exact, shape)?;
                    let shape = shape.to_vec();
                    match store {
                        BoolStore::Native => vec_data(bools, shape, target),
                        BoolStore::U8 => vec_data(
                            cast_slice::<bool, u8>(&bools, false, &shape)?,
                            shape,
                            target,
                        ),
                        BoolStore::U32 => vec_data(
                            cast_slice::<bool, u32>(&bools, false, &shape)?,
                            shape,
                            target,
                        ),
                    }
                }
                _ if nd == A::DTYPE && matches!(src, std::borrow::Cow::Owned(_)) => {
                    vec_data(src.into_owned(), shape.to_vec(), DType::from(nd))
                }
                _ => for_nd_dtype!(nd, T => vec_data(
                    cast_slice::<A, T>(&src, exact, shape)?,
                    shape.to_vec(),
                    DType::from(nd),
                )),
            })
        }
    };
}

/// `$body` with the type alias `$E` naming the element type of the [`NdDType`] `$dtype`:
/// `for_nd_dtype!(dtype, E => read::<E>(x))`.
macro_rules! for_nd_dtype {
    ($dtype:expr, $E:ident => $body:expr) => {
        dtypes!(nd_dtype_arms, ($dtype), $E, ($body))
    };
}

/// The arms of [`for_nd_dtype`], one per entry of [`dtypes`].
macro_rules! nd_dtype_arms {
    (($dtype:expr), $E:ident, ($body:expr), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        match $dtype {
            $($crate::NdDType::$v => {
                #[allow(dead_code)]
                type $E = $t;
                $body
            })*
        }
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

macro_rules! define_nd_dtype {
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
                match self { $(NdDType::$v => dtype_kind!($kind),)* }
            }

            /// The width in bits (8 for bool, which is stored as a byte).
            pub(crate) const fn bits(self) -> u32 {
                match self { $(NdDType::$v => $bits,)* }
            }
        }
    };
}

macro_rules! dtype_kind {
    (float) => {
        DTypeKind::Float
    };
    (half) => {
        DTypeKind::Float
    };
    (int) => {
        DTypeKind::Int
    };
    (uint) => {
        DTypeKind::Uint
    };
    (bool) => {
        DTypeKind::Bool
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

/// The [`TensorKind`] of a Burn kind, from its `K::name()`: [`Error::Backend`] for a name
/// that is none of Burn's three (a kind Burn added after this release).
///
/// ```
/// use burn_nd::backend::burn_kind;
///
/// assert_eq!(burn_kind("Int")?, burn_nd::TensorKind::Int); // `Int::name()` in Burn
/// assert!(burn_kind("Complex").is_err());
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn burn_kind(name: &'static str) -> Result<TensorKind, Error> {
    TensorKind::from_name(name).ok_or_else(|| {
        Error::backend(std::io::Error::other(format!(
            "Burn tensor kind {name} is not Float, Int or Bool"
        )))
    })
}

/// The dtype a tensor of `dtype` holds, or [`Error::Quantized`] for a quantized one (which
/// burn-nd reads only once dequantized).
///
/// ```
/// use burn::tensor::{BoolStore, DType};
/// use burn_nd::backend::logical_dtype;
/// use burn_nd::NdDType;
///
/// assert_eq!(logical_dtype(DType::Bool(BoolStore::U32))?, NdDType::Bool);
/// let q = DType::QFloat(burn::tensor::quantization::QuantScheme::default());
/// assert!(matches!(logical_dtype(q), Err(burn_nd::Error::Quantized { .. })));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn logical_dtype(dtype: impl DTypeLike) -> Result<NdDType, Error> {
    dtype.as_nd_dtype().ok_or_else(|| Error::quantized(&dtype))
}

/// The dtype a cast to `dtype` produces, or [`Error::QuantizedTarget`] for a quantized one
/// (burn-nd converts between plain dtypes only).
pub(crate) fn target_dtype(dtype: impl DTypeLike) -> Result<NdDType, Error> {
    dtype
        .as_nd_dtype()
        .ok_or_else(|| Error::quantized_target(&dtype))
}
