//! Line-free array helpers: arrays in logical order, shaped outputs, casts between arrays and
//! the error that names the first inexact value by its multi-index.

use std::borrow::Cow;

use ndarray::{s, Array, ArrayBase, ArrayView2, ArrayViewD, Data, Dimension, Ix1, Ix2};

use crate::check::check_cast;
use crate::element::{same_type, same_value, Value};
use crate::fast::{self, vec_for};
use crate::{Casting, Error, NdDType, NdElement};

/// The row-major multi-index of flat position `flat` in `shape`.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (i, &n) in shape.iter().enumerate().rev() {
        if n > 0 {
            index[i] = flat % n;
            flat /= n;
        }
    }
    index
}

/// [`Error::Inexact`] for `value`, found at flat (row-major) position `flat` of an array of
/// `shape` on its way to `to`.
pub(crate) fn inexact(shape: &[usize], to: NdDType, flat: usize, value: Value) -> Error {
    Error::Inexact {
        index: unravel(flat, shape),
        value,
        to,
    }
}

/// Casts every element of `src` (row-major, of `shape`) to `D` with `as` semantics; with
/// `exact`, stops at the first value that does not survive ([`Error::Inexact`] names it by
/// its index in `shape`). [`Error::Allocation`] when the output cannot be allocated.
pub(crate) fn cast_slice<S: NdElement, D: NdElement>(
    src: &[S],
    exact: bool,
    shape: &[usize],
) -> Result<Vec<D>, Error> {
    if let Some(same) = same_type::<S, D>(src) {
        return fast::copy(same);
    }
    if !exact {
        if let Some(out) = fast::cast::<S, D>(src)? {
            return Ok(out);
        }
        let mut out = vec_for(src.len())?;
        out.extend(src.iter().map(|&s| D::from_value(s.to_value())));
        return Ok(out);
    }
    let mut out = vec_for(src.len())?;
    for (i, &s) in src.iter().enumerate() {
        let value = s.to_value();
        let d = D::from_value(value);
        if d.to_value() != value {
            return Err(inexact(shape, D::DTYPE, i, value));
        }
        out.push(d);
    }
    Ok(out)
}

/// `values` in a new vector allocated fallibly: [`Error::Allocation`], naming the bytes, where
/// `to_vec` would abort the process.
///
/// ```
/// assert_eq!(burn_nd::backend::try_to_vec(&[1u8, 2])?, vec![1, 2]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn try_to_vec<A: Copy>(values: &[A]) -> Result<Vec<A>, Error> {
    fast::copy(values)
}

/// The elements of `array` in logical (row-major) order: borrowed when it is in standard
/// layout, else gathered once into a new buffer, a row or a 64 × 64 tile at a time, whatever
/// the strides (negative and zero ones included). [`Error::Allocation`] when that buffer
/// cannot be had: a view with zero strides holds few values and may have very many elements.
///
/// ```
/// use burn_nd::backend::logical_values;
/// use burn_nd::ndarray::{arr2, s};
///
/// let a = arr2(&[[1, 2], [3, 4]]);
/// assert_eq!(&*logical_values(&a.slice(s![..;-1, ..]))?, &[3, 4, 1, 2]);
/// let row = a.row(0);
/// let broadcast = row.broadcast((1 << 20, 1 << 20, 2)).unwrap(); // no memory of its own
/// assert!(matches!(logical_values(&broadcast), Err(burn_nd::Error::Allocation { .. })));
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn logical_values<A: Copy, S: Data<Elem = A>, Dm: Dimension>(
    array: &ArrayBase<S, Dm>,
) -> Result<Cow<'_, [A]>, Error> {
    Ok(match array.as_slice() {
        Some(values) => Cow::Borrowed(values),
        None => Cow::Owned(gather(array)?),
    })
}

/// The elements of `array`, any strides, in row-major order. ndarray's own iterator steps a
/// dynamic-rank index per element (about 45 ns each on an `ArrayViewD`, five times NumPy's
/// `ascontiguousarray`); here each matrix of the last two axes is copied a row at a time
/// (1-D strided loops) or, when its columns are the contiguous direction (Fortran order, a
/// transpose), in 64 × 64 tiles, so reads and writes both stay in cache.
fn gather<A: Copy, S: Data<Elem = A>, Dm: Dimension>(
    array: &ArrayBase<S, Dm>,
) -> Result<Vec<A>, Error> {
    let view = array.view().into_dyn();
    let Some(&first) = view.first() else {
        return Ok(Vec::new());
    };
    let mut out = vec_for(view.len())?;
    if view.ndim() < 2 {
        // A 1-D view iterates with a static index; a 0-D one has one element.
        match view.into_dimensionality::<Ix1>() {
            Ok(line) => match (line.as_slice_memory_order(), line.strides()[0] < 0) {
                // Reversed but contiguous: a reversed copy, which vectorises.
                (Some(values), true) => out.extend(values.iter().rev().copied()),
                _ => out.extend(line.iter().copied()),
            },
            Err(_) => out.push(first),
        }
        return Ok(out);
    }
    let (rows, cols) = (view.shape()[view.ndim() - 2], view.shape()[view.ndim() - 1]);
    // Written once below; the fill is one pass of a write-only stream (into huge pages, as
    // every large output buffer here).
    out.resize(view.len(), first);
    let mut chunks = out.chunks_mut(rows * cols);
    each_matrix(view, &mut |matrix| {
        if let Some(dst) = chunks.next() {
            gather_matrix(matrix, dst);
        }
    });
    Ok(out)
}

/// Calls `f` on every matrix of the last two axes of `view` (rank ≥ 2), in row-major order
/// of the other axes.
fn each_matrix<A>(view: ArrayViewD<'_, A>, f: &mut dyn FnMut(ArrayView2<'_, A>)) {
    if view.ndim() > 2 {
        view.outer_iter().for_each(|sub| each_matrix(sub, f));
    } else if let Ok(matrix) = view.into_dimensionality::<Ix2>() {
        f(matrix);
    }
}

/// `matrix` in row-major order into `dst` (its size).
fn gather_matrix<A: Copy>(matrix: ArrayView2<'_, A>, dst: &mut [A]) {
    const TILE: usize = 64;
    let (rows, cols) = matrix.dim();
    let [row_stride, col_stride] = [matrix.strides()[0], matrix.strides()[1]];
    if col_stride.unsigned_abs() <= row_stride.unsigned_abs() {
        for (row, dst) in matrix.rows().into_iter().zip(dst.chunks_mut(cols)) {
            match (row.as_slice_memory_order(), col_stride < 0) {
                (Some(values), false) => dst.copy_from_slice(values),
                (Some(values), true) => dst
                    .iter_mut()
                    .zip(values.iter().rev())
                    .for_each(|(d, &x)| *d = x),
                _ => dst.iter_mut().zip(row).for_each(|(d, &x)| *d = x),
            }
        }
        return;
    }
    for c0 in (0..cols).step_by(TILE) {
        for r0 in (0..rows).step_by(TILE) {
            let tile = matrix.slice(s![r0..(r0 + TILE).min(rows), c0..(c0 + TILE).min(cols)]);
            for (j, column) in tile.columns().into_iter().enumerate() {
                for (i, &x) in column.iter().enumerate() {
                    dst[(r0 + i) * cols + c0 + j] = x;
                }
            }
        }
    }
}

/// `values` (row-major) as an array of `shape` with dimension type `Dm`: [`Error::Rank`] when
/// `Dm` is a static dimension of another rank. A static `Dm` spares the cost of an `IxDyn`
/// (about as much as a 1 KiB memcpy) for callers that want `Array2` and the like.
pub(crate) fn shaped<E, Dm: Dimension>(
    shape: &[usize],
    values: Vec<E>,
) -> Result<Array<E, Dm>, Error> {
    if let Some(expected) = Dm::NDIM.filter(|&n| n != shape.len()) {
        return Err(Error::Rank {
            got: shape.len(),
            expected,
        });
    }
    let mut dim = Dm::zeros(shape.len());
    dim.slice_mut().copy_from_slice(shape);
    // The reader produced exactly shape.product() values; a mismatch would be its bug.
    Array::from_shape_vec(dim, values).map_err(Error::backend)
}

/// `array` as an array of dimension `Dm` in standard layout, cast under `casting`.
pub(crate) fn cast_array<A: NdElement, E: NdElement, Dm: Dimension>(
    array: &ArrayViewD<'_, A>,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    check_cast(A::DTYPE, E::DTYPE, casting)?;
    read_array(array, casting == Casting::Exact)
}

/// `array` (a backend tensor's memory) as an array of dimension `Dm` in standard layout, its
/// values cast with `as` semantics, each checked when `exact`. The caller has checked the cast
/// on the tensor's logical dtype.
pub(crate) fn read_array<A: NdElement, E: NdElement, Dm: Dimension>(
    array: &ArrayViewD<'_, A>,
    exact: bool,
) -> Result<Array<E, Dm>, Error> {
    let out = cast_slice::<A, E>(&logical_values(array)?, exact, array.shape())?;
    shaped(array.shape(), out)
}

/// The values a backend read back, `bytes` holding `stored` elements (a line maps its bool
/// stores to `U8` / `U32` and `Flex32` to `F32`), cast to `E` with `as` semantics, each checked
/// when `exact`; `shape` names an inexact value's position. An error, not undefined
/// behaviour, when the bytes are misaligned or not valid `stored` elements.
pub(crate) fn cast_stored<E: NdElement>(
    bytes: &[u8],
    stored: NdDType,
    shape: &[usize],
    exact: bool,
) -> Result<Vec<E>, Error> {
    for_nd_dtype!(stored, S => {
        let values: &[S] = bytemuck::checked::try_cast_slice(bytes).map_err(|e| {
            Error::backend(std::io::Error::other(format!(
                "tensor data of {stored} is not a slice of {stored}: {e}"
            )))
        })?;
        cast_slice::<S, E>(values, exact, shape)
    })
}

/// `Ok` when every byte a `backend`'s Bool tensor holds in `bytes` (a view of its memory) is 0
/// or 1, the only valid `bool`s; else [`Error::Backend`] naming the first other byte and its
/// index. One pass (a slice scan where the view is dense). For the homes whose views can hold
/// such bytes (burn-flex, libtorch).
#[cfg(any(feature = "_flex", feature = "_tch"))]
pub(crate) fn check_bool_bytes(backend: &str, bytes: &ArrayViewD<'_, u8>) -> Result<(), Error> {
    let valid = match bytes.as_slice_memory_order() {
        Some(dense) => dense.iter().all(|&byte| byte <= 1),
        None => bytes.iter().all(|&byte| byte <= 1),
    };
    if valid {
        return Ok(());
    }
    let (index, byte) = bytes
        .indexed_iter()
        .find(|(_, &byte)| byte > 1)
        .map_or((Vec::new(), 0), |(index, &byte)| {
            (index.slice().to_vec(), byte)
        });
    Err(Error::backend(std::io::Error::other(format!(
        "{backend} Bool tensor holds byte {byte} at index {index:?}: a bool is 0 or 1"
    ))))
}

/// Writes `src` into `out` (the same shape) when both hold the same element type: one
/// `memcpy` where both are contiguous in standard order, ndarray's element-wise (strided)
/// assignment otherwise. `false`, writing nothing, for different element types.
pub(crate) fn assign_same<
    A: NdElement,
    E: NdElement,
    S: ndarray::DataMut<Elem = E>,
    Dm: Dimension,
>(
    src: &ArrayViewD<'_, A>,
    out: &mut ArrayBase<S, Dm>,
) -> bool {
    if std::any::TypeId::of::<A>() != std::any::TypeId::of::<E>() {
        return false;
    }
    let Ok(src) = src.view().into_dimensionality::<Dm>() else {
        return false;
    };
    if let (Some(from), Some(to)) = (src.as_slice(), out.as_slice_mut()) {
        if let Some(from) = same_type::<A, E>(from) {
            to.copy_from_slice(from);
            return true;
        }
    }
    out.zip_mut_with(&src, |o, s| {
        if let Some(&s) = same_value::<A, E>(s) {
            *o = s;
        }
    });
    true
}

/// A read-only view of a backend's storage `all`, laid out as `shape` with element `strides`
/// (negative and zero strides included) from element `offset`: the logical element at index
/// zero. An error, never an out-of-bounds view, when the layout reaches outside `all`.
/// (burn-flex's tensors are laid out this way.)
#[cfg(feature = "_flex")]
pub(crate) fn strided_view<'a, S>(
    all: &'a [S],
    shape: &[usize],
    strides: &[isize],
    offset: usize,
) -> Result<ArrayViewD<'a, S>, Error> {
    let outside = || {
        Error::backend(std::io::Error::other(format!(
            "a tensor of shape {shape:?}, strides {strides:?} and offset {offset} reaches \
             outside its {}-element storage",
            all.len()
        )))
    };
    if shape.contains(&0) {
        return ArrayViewD::from_shape(ndarray::IxDyn(shape), &[]).map_err(|_| outside());
    }
    // ndarray wants the slice to start at the lowest address the view reaches: the logical
    // first element moved back along every axis that runs backwards.
    let mut low = offset as isize;
    for (&n, &s) in shape.iter().zip(strides) {
        if s < 0 {
            low += (n as isize - 1) * s;
        }
    }
    let low = usize::try_from(low).map_err(|_| outside())?;
    let rest = all.get(low..).ok_or_else(outside)?;
    // ndarray reads custom strides as `isize` stored in `usize`: negative ones round-trip.
    let strides: Vec<usize> = strides.iter().map(|&s| s as usize).collect();
    ArrayViewD::from_shape(
        ndarray::ShapeBuilder::strides(ndarray::IxDyn(shape), ndarray::IxDyn(&strides)),
        rest,
    )
    .map_err(|_| outside())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

    /// Negative, zero and positive strides read the elements a backend's layout names, and a
    /// layout reaching outside the storage is an error.
    #[test]
    #[cfg(feature = "_flex")]
    fn strided_views_follow_any_layout() {
        let all: Vec<i32> = (0..12).collect();
        // A [3, 4] tensor flipped along axis 0: rows 2, 1, 0.
        let flipped = strided_view(&all, &[3, 4], &[-4, 1], 8).unwrap();
        assert_eq!(
            flipped
                .index_axis(ndarray::Axis(0), 0)
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![8, 9, 10, 11]
        );
        assert_eq!(
            flipped
                .index_axis(ndarray::Axis(0), 2)
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        // Broadcast along axis 0, transposed, offset.
        let broadcast = strided_view(&all, &[2, 3], &[0, 1], 5).unwrap();
        assert_eq!(
            broadcast
                .index_axis(ndarray::Axis(0), 1)
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![5, 6, 7]
        );
        let transposed = strided_view(&all, &[4, 3], &[1, 4], 0).unwrap();
        assert_eq!(
            transposed
                .index_axis(ndarray::Axis(0), 1)
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![1, 5, 9]
        );
        assert_eq!(strided_view(&all, &[0, 5], &[5, 1], 12).unwrap().len(), 0);
        for (shape, strides, offset) in [
            (&[3usize, 4][..], &[4isize, 1][..], 1usize),
            (&[3, 4], &[-4, 1], 4),
            (&[13], &[1], 0),
        ] {
            assert!(
                matches!(
                    strided_view(&all, shape, strides, offset),
                    Err(Error::Backend { .. })
                ),
                "{shape:?} {strides:?} {offset}"
            );
        }
    }

    /// The gather gives ndarray's own logical order for every layout: transposes (tiled,
    /// with partial tiles at the edges), negative and stepped strides, broadcast (zero)
    /// strides, ranks 1 to 4, empty arrays.
    #[test]
    fn gather_is_row_major_order_for_any_layout() {
        use ndarray::{Array, Axis};
        let a = Array::from_iter(0..3 * 130 * 70)
            .into_shape_with_order((3, 130, 70))
            .unwrap();
        let b = Array::from_iter(0..70 * 150u16)
            .into_shape_with_order((70, 150))
            .unwrap();
        let mut cases: Vec<ArrayViewD<'_, i32>> = vec![
            a.view().into_dyn(),
            a.view().reversed_axes().into_dyn(),
            a.view().permuted_axes([1, 0, 2]).into_dyn(),
            a.view().permuted_axes([0, 2, 1]).into_dyn(),
            a.slice(s![..;-1, 3..;7, ..;-3]).into_dyn(),
            a.slice(s![.., ..0, ..]).into_dyn(),
            a.index_axis(Axis(2), 5).into_dyn(),
            a.slice(s![1, 4, ..;-2]).into_dyn(),
            a.slice(s![1, 4, ..;-1]).into_dyn(),
            a.slice(s![.., ..;-1, ..;-1]).into_dyn(),
        ];
        let four = a.view().insert_axis(Axis(1));
        cases.push(four.broadcast((3, 2, 130, 70)).unwrap().into_dyn());
        cases.push(four.permuted_axes([3, 1, 2, 0]).into_dyn());
        for case in cases {
            let expected: Vec<i32> = case.iter().copied().collect();
            assert_eq!(
                gather(&case).unwrap(),
                expected,
                "shape {:?} strides {:?}",
                case.shape(),
                case.strides()
            );
        }
        let t = b.t();
        assert_eq!(gather(&t).unwrap(), t.iter().copied().collect::<Vec<_>>());
    }

    #[test]
    fn exact_cast_reports_first_failure() {
        let src = [1.0f32, 2.0, 2.5, 3.5];
        let first_failure = |r: Result<Vec<i32>, Error>| match r {
            Err(Error::Inexact { index, value, .. }) => Some((index, value)),
            _ => None,
        };
        assert_eq!(
            first_failure(cast_slice::<f32, i32>(&src, true, &[2, 2])),
            Some((vec![1, 0], Value::Float(2.5)))
        );
        assert_eq!(
            cast_slice::<f32, i32>(&src, false, &[4]).unwrap(),
            vec![1, 2, 2, 3]
        );
        // i64::MAX does not survive f64 even though the round trip saturates back to it.
        assert!(matches!(
            cast_slice::<i64, f64>(&[i64::MAX], true, &[1]),
            Err(Error::Inexact { value: Value::Int(v), .. }) if v == i64::MAX as i128
        ));
        // 2^31 as f32 saturates to i32::MAX, which is not 2^31.
        assert!(cast_slice::<f32, i32>(&[2_147_483_648.0f32], true, &[1]).is_err());
        assert_eq!(
            cast_slice::<f32, i32>(&[-2_147_483_648.0f32], true, &[1]).unwrap(),
            vec![i32::MIN]
        );
    }

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, &[2, 3]), vec![0, 0]);
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(7, &[2, 3, 4]), vec![0, 1, 3]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
    }

    #[test]
    fn static_shapes_check_the_rank() {
        let a: Array<i32, ndarray::Ix2> = shaped(&[2, 1], vec![1, 2]).unwrap();
        assert_eq!(a, ndarray::array![[1], [2]]);
        match shaped::<i32, ndarray::Ix2>(&[2], vec![1, 2]) {
            Err(Error::Rank { got, expected }) => assert_eq!((got, expected), (1, 2)),
            other => panic!("unexpected {other:?}"),
        }
        let d: Array<i32, IxDyn> = shaped(&[1, 2, 1], vec![1, 2]).unwrap();
        assert_eq!(d.shape(), &[1, 2, 1]);
    }
}
