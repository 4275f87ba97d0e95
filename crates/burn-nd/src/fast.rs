//! The hot loops: output buffers written once and backed by huge pages, and casts between
//! primitive types as plain `as` loops (which the compiler vectorises) instead of the generic
//! per-element [`Value`](crate::Value) round trip. Each fast loop computes exactly what the
//! generic path computes (the unit tests compare them on edge values).

use core::any::Any;

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};

use crate::element::same_type;
use crate::{Error, NdDType, NdElement};

/// An empty `Vec` with room for `n` elements, or [`Error::Allocation`] naming the bytes when
/// the allocator refuses: `n` comes from the input (a broadcast view of 2^40 elements costs
/// its maker nothing), and an infallible allocation would abort the process. For large
/// buffers the kernel is asked to back the allocation with transparent huge pages before
/// anything touches it, as NumPy does: a fresh buffer's cost is its page faults, and a 2 MiB
/// page faults once instead of 512 times.
pub(crate) fn vec_for<T>(n: usize) -> Result<Vec<T>, Error> {
    let mut v: Vec<T> = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::Allocation {
        bytes: n.checked_mul(size_of::<T>()),
    })?;
    advise_huge_pages(v.as_ptr().cast::<u8>(), n.saturating_mul(size_of::<T>()));
    Ok(v)
}

#[cfg(all(target_os = "linux", not(miri)))]
fn advise_huge_pages(ptr: *const u8, bytes: usize) {
    /// Below this many bytes huge pages are not worth asking for.
    const HUGE_MIN_BYTES: usize = 4 << 20;
    const HUGE_PAGE: usize = 2 << 20;
    if bytes < HUGE_MIN_BYTES {
        return;
    }
    let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: [start, end) lies inside the allocation just made for `bytes` bytes at
        // `ptr`, which this function neither reads nor writes. MADV_HUGEPAGE is advice only:
        // it changes neither the contents nor the validity of the pages, and a failure
        // (no THP support) leaves the ordinary pages, so the result is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
fn advise_huge_pages(_ptr: *const u8, _bytes: usize) {}

/// A copy of `src` in a fresh buffer (one pass, no zero fill).
pub(crate) fn copy<T: Copy>(src: &[T]) -> Result<Vec<T>, Error> {
    let mut v = vec_for(src.len())?;
    v.extend_from_slice(src);
    Ok(v)
}

/// `v` as a `Vec<D>` when `T` is `D`; no copy, no allocation.
fn as_vec<D: 'static, T: 'static>(v: Vec<T>) -> Option<Vec<D>> {
    let mut v = Some(v);
    (&mut v as &mut dyn Any)
        .downcast_mut::<Option<Vec<D>>>()?
        .take()
}

/// `src` mapped element by element into a fresh buffer, written once. On x86-64 CPUs with
/// AVX2 the loop is compiled a second time for 256-bit vectors and that copy runs: NumPy
/// dispatches its casts the same way, and the baseline x86-64 target has only SSE2. With
/// `ahead`, that AVX2 loop also prefetches the source a page ahead of itself.
fn map<S: Copy, D>(src: &[S], ahead: bool, f: impl Fn(S) -> D) -> Result<Vec<D>, Error> {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `map_avx2` only requires that the CPU supports AVX2, checked just above.
        return unsafe { map_avx2(src, ahead, f) };
    }
    let _ = ahead; // Only the AVX2 loop prefetches.
    map_loop(src, f)
}

/// [`map_loop`] compiled for AVX2 (its body and `f` are inlined here). With `ahead` it maps a
/// 1 KiB block of the source at a time, each block's cache lines prefetched 4 KiB (one small
/// page) before the loop reaches them: the hardware prefetcher stops at page boundaries, and
/// a Burn tensor's buffer lies in 4 KiB pages. Only f32 → i32 asks for it: its loop has the
/// most instructions per element (BENCHMARKS.md has the measurements behind that choice).
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[target_feature(enable = "avx2")]
fn map_avx2<S: Copy, D>(src: &[S], ahead: bool, f: impl Fn(S) -> D) -> Result<Vec<D>, Error> {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    if !ahead {
        return map_loop(src, f);
    }
    let block = 1024 / size_of::<S>();
    let lead = 4096 / size_of::<S>();
    let line = 64 / size_of::<S>();
    let mut v = vec_for(src.len())?;
    for (i, chunk) in src.chunks(block).enumerate() {
        let start = i * block + lead;
        if let Some(next) = src.get(start..(start + block).min(src.len())) {
            for l in next.chunks(line) {
                // Newer Rust declares `_mm_prefetch` safe; the block keeps rust-version building.
                #[allow(unused_unsafe)]
                // SAFETY: a prefetch is a hint that reads no memory and cannot fault, and `l`
                // lies inside `src` anyway.
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(l.as_ptr().cast())
                };
            }
        }
        v.extend(chunk.iter().map(|&x| f(x)));
    }
    Ok(v)
}

#[inline(always)]
fn map_loop<S: Copy, D>(src: &[S], f: impl Fn(S) -> D) -> Result<Vec<D>, Error> {
    let mut v = vec_for(src.len())?;
    v.extend(src.iter().map(|&x| f(x)));
    Ok(v)
}

/// `src` converted a block at a time by `convert` (half's slice conversions, which use the
/// CPU's F16C instructions where present) into a fresh buffer, written once.
fn blocks<S: Copy, D: Copy + Default>(
    src: &[S],
    convert: impl Fn(&mut [D], &[S]),
) -> Result<Vec<D>, Error> {
    const BLOCK: usize = 4096;
    let mut v = vec_for(src.len())?;
    let mut buf = [D::default(); BLOCK];
    for chunk in src.chunks(BLOCK) {
        let out = &mut buf[..chunk.len()];
        convert(out, chunk);
        v.extend_from_slice(out);
    }
    Ok(v)
}

/// `x as i32` (saturating, NaN to 0) in a form that vectorises: a plain `as` compiles to a
/// scalar saturating sequence here, five times slower than a copy.
#[inline]
fn f32_to_i32(x: f32) -> i32 {
    // 2^31 - 128 is the largest f32 below 2^31.
    let clamped = if x.is_nan() {
        0.0
    } else {
        x.clamp(-2_147_483_648.0, 2_147_483_520.0)
    };
    // SAFETY: `clamped` is finite and within [-2^31, 2^31 - 128], so it truncates to a value
    // that i32 holds, which is all `to_int_unchecked` requires.
    let truncated = unsafe { clamped.to_int_unchecked::<i32>() };
    if x >= 2_147_483_648.0 {
        i32::MAX
    } else {
        truncated
    }
}

/// `bf16::from_f32(x)` (round to nearest even, NaN kept quiet with its high payload bits)
/// without branches, so the loop vectorises; half's own loop does not.
#[inline]
fn f32_to_bf16(x: f32) -> bf16 {
    let bits = x.to_bits();
    let rounded = (bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16) as u16;
    let nan = ((bits >> 16) | 0x0040) as u16;
    bf16::from_bits(if bits & 0x7fff_ffff > 0x7f80_0000 {
        nan
    } else {
        rounded
    })
}

/// The per-type code of the fast casts, from [`dtypes`]: `fast_casts!(enums, ..)` the slice
/// and buffer enums (every type but bool), `fast_casts!(primitive, ..)` the `as` casts
/// between Rust's primitive numbers.
macro_rules! fast_casts {
    (enums, [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        /// A borrowed source slice of one element type.
        enum Src<'a> { $($v(&'a [$t]),)* }
        /// A cast's output buffer.
        enum Out { $($v(Vec<$t>),)* }

        impl<'a> Src<'a> {
            fn of<S: NdElement>(src: &'a [S]) -> Option<Self> {
                $(if let Some(s) = same_type::<S, $t>(src) {
                    return Some(Src::$v(s));
                })*
                None
            }
        }

        impl Out {
            fn into_vec<D: 'static>(self) -> Option<Vec<D>> {
                match self { $(Out::$v(v) => as_vec(v),)* }
            }
        }
    };
    (primitive, $list:tt) => {
        fast_casts!(primitive_cast $list, $list);
    };
    // The list twice: once for the source types, once (whole) for each source's targets.
    (primitive_cast [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*], $all:tt) => {
        /// `as` between the primitive number types (every pair of them).
        fn primitive_cast(src: Src<'_>, to: NdDType) -> Result<Option<Out>, Error> {
            Ok(Some(match src {
                $(Src::$v(s) => fast_casts!(to_each s, to, $all),)*
                _ => return Ok(None),
            }))
        }
    };
    // `src` cast to the type `to` names, one arm per primitive type.
    (to_each $src:ident, $to:ident, [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        match $to {
            $(NdDType::$v => Out::$v(map($src, false, |x| x as $t)?),)*
            _ => return Ok(None),
        }
    };
}
// `bool` has no fast loop.
dtypes!(filter no_bool, fast_casts, enums);

/// The `as` cast of `src` to `D` by a specialised loop, where one exists for `(S, D)`: every
/// pair of primitive numbers, f32 → f16/bf16 and f16/bf16 → f32/f64. `Ok(None)` otherwise;
/// [`Error::Allocation`] when the output buffer cannot be allocated.
///
/// Generic code only picks the types; the loops live in the non-generic [`cast_to`], so each
/// is compiled once, not once per `(S, D)` instantiation of every caller.
pub(crate) fn cast<S: NdElement, D: NdElement>(src: &[S]) -> Result<Option<Vec<D>>, Error> {
    let Some(src) = Src::of(src) else {
        return Ok(None);
    };
    Ok(cast_to(src, D::DTYPE)?.and_then(Out::into_vec))
}

fn cast_to(src: Src<'_>, to: NdDType) -> Result<Option<Out>, Error> {
    Ok(Some(match (src, to) {
        (Src::F32(s), NdDType::I32) => Out::I32(map(s, true, f32_to_i32)?),
        (Src::F32(s), NdDType::BF16) => Out::BF16(map(s, false, f32_to_bf16)?),
        (Src::F32(s), NdDType::F16) => Out::F16(blocks(s, <[f16]>::convert_from_f32_slice)?),
        (Src::F16(s), NdDType::F32) => {
            Out::F32(blocks(s, |o, s: &[f16]| s.convert_to_f32_slice(o))?)
        }
        (Src::F16(s), NdDType::F64) => {
            Out::F64(blocks(s, |o, s: &[f16]| s.convert_to_f64_slice(o))?)
        }
        (Src::BF16(s), NdDType::F32) => {
            Out::F32(blocks(s, |o, s: &[bf16]| s.convert_to_f32_slice(o))?)
        }
        (Src::BF16(s), NdDType::F64) => {
            Out::F64(blocks(s, |o, s: &[bf16]| s.convert_to_f64_slice(o))?)
        }
        (src, to) => return primitive_cast(src, to),
    }))
}

dtypes!(filter primitive, fast_casts, primitive);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Value;

    /// Edge values of `S` plus counting values.
    fn samples<S: NdElement>() -> Vec<S> {
        let mut v: Vec<S> = [
            Value::Float(f64::NAN),
            Value::Float(f64::INFINITY),
            Value::Float(f64::NEG_INFINITY),
            Value::Float(-0.0),
            Value::Float(0.5),
            Value::Float(-1.5),
            Value::Float(65519.0),
            Value::Float(3.0e-8),
            Value::Float(1e30),
            Value::Int(i64::MIN.into()),
            Value::Int(u64::MAX.into()),
            Value::Int(-129),
            Value::Int(70000),
        ]
        .into_iter()
        .map(S::from_value)
        .collect();
        let k = if cfg!(miri) { 8 } else { 300 };
        v.extend((-k..k).map(|i| S::from_value(Value::Float(i as f64 * 0.37))));
        v
    }

    fn bits<E: NdElement>(v: &[E]) -> Vec<String> {
        v.iter().map(|x| format!("{:?}", x.to_value())).collect()
    }

    fn check<S: NdElement, D: NdElement>() -> bool {
        let src = samples::<S>();
        let generic: Vec<D> = src.iter().map(|&s| D::from_value(s.to_value())).collect();
        match cast::<S, D>(&src).unwrap() {
            Some(fast) => {
                assert_eq!(
                    bits(&fast),
                    bits(&generic),
                    "{:?} -> {:?}",
                    S::DTYPE,
                    D::DTYPE
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn fast_casts_equal_the_generic_cast() {
        let mut fast = 0;
        for s in NdDType::ALL {
            for d in NdDType::ALL {
                fast += usize::from(for_nd_dtype!(s, S => for_nd_dtype!(d, D => check::<S, D>())));
            }
        }
        // 100 primitive pairs (same-type ones included), f32 → f16/bf16, f16/bf16 → f32/f64.
        assert_eq!(fast, 106);
    }

    #[test]
    fn branchless_loops_match_the_scalar_definitions() {
        let edges = [
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001),
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            2_147_483_648.0,
            2_147_483_520.0,
            -2_147_483_648.0,
            -2_147_483_904.0,
            -0.0,
            0.999,
            -1.5,
            1.0 + 1.0 / 256.0,
            1.0 + 3.0 / 256.0,
            f32::from_bits(0x3f80_8000),
            f32::from_bits(0x3f81_8000),
            f32::MIN_POSITIVE / 3.0,
        ];
        for x in edges {
            assert_eq!(f32_to_i32(x), x as i32, "{x}");
            assert_eq!(f32_to_bf16(x).to_bits(), bf16::from_f32(x).to_bits(), "{x}");
        }
        for bits in (0..=u32::MAX).step_by(if cfg!(miri) { 40_000_037 } else { 9973 }) {
            let x = f32::from_bits(bits);
            assert_eq!(f32_to_i32(x), x as i32, "{bits:#x}");
            assert_eq!(
                f32_to_bf16(x).to_bits(),
                bf16::from_f32(x).to_bits(),
                "{bits:#x}"
            );
        }
    }

    #[test]
    fn the_dispatched_loop_equals_the_baseline_loop() {
        let xs: Vec<f32> = (0..=u32::MAX)
            .step_by(if cfg!(miri) { 40_000_037 } else { 997 })
            .map(f32::from_bits)
            .collect();
        let ints: Vec<i64> = xs.iter().map(|x| x.to_bits() as i64 * -99_991).collect();
        assert_eq!(
            map(&xs, false, f32_to_i32).unwrap(),
            map_loop(&xs, f32_to_i32).unwrap()
        );
        assert_eq!(
            map(&xs, true, f32_to_i32).unwrap(),
            map_loop(&xs, f32_to_i32).unwrap()
        );
        // Lengths around the prefetch's 1 KiB blocks and 4 KiB lead.
        let varied: Vec<f32> = (0..5000u32)
            .map(|i| f32::from_bits(i.wrapping_mul(2_654_435_761)))
            .collect();
        for n in [0, 1, 255, 256, 257, 1023, 1024, 1025, 1300, 5000] {
            let part = &varied[..n];
            assert_eq!(
                map(part, true, f32_to_i32).unwrap(),
                map_loop(part, f32_to_i32).unwrap(),
                "{n}"
            );
        }
        let bf = |v: Vec<bf16>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bf(map(&xs, false, f32_to_bf16).unwrap()),
            bf(map_loop(&xs, f32_to_bf16).unwrap())
        );
        let f64_bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            f64_bits(map(&xs, false, |x| x as f64).unwrap()),
            f64_bits(map_loop(&xs, |x| x as f64).unwrap())
        );
        assert_eq!(
            map(&ints, false, |x| x as i32).unwrap(),
            map_loop(&ints, |x| x as i32).unwrap()
        );
    }

    /// A size no allocator grants is an error naming the bytes, not an abort; a size whose
    /// bytes overflow `usize` says so.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri stops at an allocation beyond its memory instead of failing it"
    )]
    fn sizes_from_input_that_cannot_be_allocated_are_errors() {
        match vec_for::<f32>(1 << 60) {
            Err(Error::Allocation { bytes }) => assert_eq!(bytes, Some(1 << 62)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            vec_for::<u64>(usize::MAX),
            Err(Error::Allocation { bytes: None })
        ));
        let err = vec_for::<f32>(1 << 40).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot allocate 4398046511104 bytes for the result"
        );
    }

    #[test]
    fn large_buffers_are_filled_correctly() {
        let n = if cfg!(miri) { 5000 } else { 3 << 20 };
        let src: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
        assert_eq!(copy(&src).unwrap(), src);
        let halves = cast::<f32, f16>(&src).unwrap().unwrap();
        assert_eq!(halves.len(), src.len());
        assert_eq!(halves[1001], f16::from_f32(500.5));
    }
}
