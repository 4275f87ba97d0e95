//! Line-free array helpers: arrays in logical order, shaped outputs, casts between arrays and
//! the error that names the first inexact value by its multi-index.

use std::borrow::Cow;

use ndarray::{s, Array, ArrayBase, ArrayView2, ArrayViewD, Data, Dimension, Ix1, Ix2};

use crate::base::casting::check_cast;
use crate::base::element::{cast_slice, Value};
use crate::base::fast::vec_for;
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

/// `values` in a new vector allocated fallibly: [`Error::Allocation`], naming the bytes, where
/// `to_vec` would abort the process.
///
/// ```
/// assert_eq!(burn_nd::backend::try_to_vec(&[1u8, 2])?, vec![1, 2]);
/// # Ok::<_, burn_nd::Error>(())
/// ```
pub fn try_to_vec<A: Copy>(values: &[A]) -> Result<Vec<A>, Error> {
    crate::base::fast::copy(values)
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

/// A read-only view of a backend's storage `all`, laid out as `shape` with element `strides`
/// (negative and zero strides included) from element `offset`: the logical element at index
/// zero. An error, never an out-of-bounds view, when the layout reaches outside `all`.
/// (Burn 0.22's flex tensors are laid out this way.)
#[cfg(any(feature = "burn-0-22", feature = "flex-0-21"))]
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

/// Writes `src` into `out` (the same shape) when both hold the same element type: one
/// `memcpy` where both are contiguous in standard order, ndarray's element-wise (strided)
/// assignment otherwise. `false`, writing nothing, for different element types.
#[cfg(any(
    feature = "burn-0-21",
    feature = "tch-0-21",
    feature = "flex-0-21",
    feature = "burn-0-22"
))]
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
        if let Some(from) = crate::base::element::same_type::<A, E>(from) {
            to.copy_from_slice(from);
            return true;
        }
    }
    out.zip_mut_with(&src, |o, s| {
        if let Some(&s) = crate::base::element::same_value::<A, E>(s) {
            *o = s;
        }
    });
    true
}

/// `$body` with `$storage` bound to the storage of `$tensor`, an `NdArrayTensor` of the
/// burn-ndarray crate `$nd` (the one of a Burn line), whatever its element type.
#[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
macro_rules! with_ndarray_storage {
    ($nd:ident, $tensor:expr, $storage:ident => $body:expr) => {
        // burn-ndarray has no storage for f16 and bf16.
        dtypes!(
            filter_dtypes,
            no_half,
            ndarray_storage_arms,
            ($nd, ($tensor), $storage, ($body))
        )
    };
}

/// The arms of [`with_ndarray_storage`], one per variant of `NdArrayTensor`.
#[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
macro_rules! ndarray_storage_arms {
    (($nd:ident, ($tensor:expr), $storage:ident, ($body:expr)), [$($v:ident: $t:ty, $k:ident, $b:literal, $n:literal;)*]) => {
        match $tensor {
            $($nd::NdArrayTensor::$v($storage) => $body,)*
        }
    };
}

/// The direct read of burn-ndarray tensors, the same for every Burn line: `read_copy` and
/// `copy_into` over the `NdArrayTensor` of the burn-ndarray crate `$nd`. Burn's own
/// `into_data` hands a unique contiguous buffer over for free but copies any other tensor (one
/// shared with a clone, as every `to_ndarray(&self)` is, or one with permuted strides) element
/// by element through an `IxDyn` iterator; these read through a view of the buffer instead.
#[cfg(any(feature = "burn-0-21", feature = "ndarray-0-22"))]
macro_rules! ndarray_storage_reads {
    ($nd:ident) => {
        /// Reads a burn-ndarray tensor straight from its buffer. `None` for a buffer that
        /// Burn's own read hands over without any copy (one nothing else shares, in standard
        /// layout), which the caller should take that way instead.
        pub(crate) fn read_copy<E: $crate::NdElement, Dm: ndarray::Dimension>(
            tensor: &$nd::NdArrayTensor,
            exact: bool,
        ) -> Option<Result<ndarray::Array<E, Dm>, $crate::Error>> {
            with_ndarray_storage!($nd, tensor, storage => {
                let view = storage.view();
                if storage.is_unique() && view.is_standard_layout() {
                    return None;
                }
                Some($crate::base::array::read_array(&view, exact))
            })
        }

        /// Copies a burn-ndarray tensor's values into `out` (same shape) when it stores
        /// `E`s; `false` when it stores another type.
        pub(crate) fn copy_into<E, S, Dm>(
            tensor: &$nd::NdArrayTensor,
            out: &mut ndarray::ArrayBase<S, Dm>,
        ) -> bool
        where
            E: $crate::NdElement,
            S: ndarray::DataMut<Elem = E>,
            Dm: ndarray::Dimension,
        {
            with_ndarray_storage!($nd, tensor, storage => {
                $crate::base::array::assign_same(&storage.view(), out)
            })
        }
    };
}

/// The direct read of burn-flex tensors, written once for every Burn line:
/// `flex_storage_reads!(burn_flex, burn_0_21)` defines `read_copy`, `copy_into` and
/// `typed_view` over the `FlexTensor` of the burn-flex crate `$flex` (the one of a Burn line),
/// whose dtypes are `crate::$line`'s.
///
/// A flex tensor is an `Arc` of bytes with a layout (shape, element strides that may be
/// negative or zero, a start offset) and a storage dtype. Burn's read-back first copies any
/// shared, strided or offset tensor into a new contiguous tensor and then hands that over;
/// here such a tensor is read through a view of its storage instead, one copy or one cast
/// loop into the array. A unique, contiguous tensor is handed over by Burn's read for free,
/// and that is the path left to it.
#[cfg(any(feature = "burn-0-22", feature = "flex-0-21"))]
macro_rules! flex_storage_reads {
    ($($flex:ident)::+, $line:ident) => {
        /// `true` when Burn's own read of `flex` hands its buffer over without a copy:
        /// nothing else shares it and it holds exactly the tensor's elements in row-major
        /// order.
        fn handed_over(flex: &$($flex)::+::FlexTensor, size: usize) -> bool {
            let layout = flex.layout();
            flex.is_unique()
                && layout.is_contiguous()
                && layout.start_offset() == 0
                && flex.bytes().len() == layout.num_elements() * size
        }

        /// Reads a flex tensor through a view of its storage, one pass. `None` for a buffer
        /// that Burn's own read hands over without any copy, which the caller should take
        /// that way instead.
        pub(crate) fn read_copy<E: $crate::NdElement, Dm: ndarray::Dimension>(
            flex: &$($flex)::+::FlexTensor,
            exact: bool,
        ) -> Option<Result<ndarray::Array<E, Dm>, $crate::Error>> {
            let stored = match $crate::$line::dtype::stored(flex.dtype()) {
                Ok(stored) => stored,
                Err(e) => return Some(Err(e)),
            };
            if handed_over(flex, stored.size()) {
                return None;
            }
            let layout = flex.layout();
            Some(for_nd_dtype!(stored, S => {
                let all: &[S] = match bytemuck::checked::try_cast_slice(flex.bytes()) {
                    Ok(all) => all,
                    Err(e) => {
                        return Some(Err($crate::Error::backend(std::io::Error::other(format!(
                            "flex storage of {stored} is not a slice of {stored}: {e}"
                        )))))
                    }
                };
                $crate::base::array::strided_view(
                    all,
                    layout.shape(),
                    layout.strides(),
                    layout.start_offset(),
                )
                .and_then(|view| $crate::base::array::read_array(&view, exact))
            }))
        }

        /// Copies a flex tensor's values into `out` (same shape) when `E` is its dtype;
        /// `false` when it is another (or its layout cannot be viewed), writing nothing.
        pub(crate) fn copy_into<E, S, Dm>(
            flex: &$($flex)::+::FlexTensor,
            out: &mut ndarray::ArrayBase<S, Dm>,
        ) -> bool
        where
            E: $crate::NdElement,
            S: ndarray::DataMut<Elem = E>,
            Dm: ndarray::Dimension,
        {
            match typed_view::<E>(flex) {
                Ok(view) => $crate::base::array::assign_same(&view, out),
                Err(_) => false,
            }
        }

        /// The view of `flex` as `E`s: [`Error::DtypeMismatch`](crate::Error) unless `E` is
        /// its dtype (bool tensors store bytes that are 0 or 1, checked here), an error if
        /// its layout reaches outside it.
        pub(crate) fn typed_view<E: $crate::NdElement>(
            flex: &$($flex)::+::FlexTensor,
        ) -> Result<ndarray::ArrayViewD<'_, E>, $crate::Error> {
            use $crate::NdDType;
            // The tensor's own dtype only: a Bool tensor is not viewed as the bytes it stores.
            let logical = $crate::base::dtype::logical_dtype(flex.dtype())?;
            let stored_as = $crate::$line::dtype::stored(flex.dtype())?;
            let holds =
                stored_as == E::DTYPE || (stored_as == NdDType::U8 && E::DTYPE == NdDType::Bool);
            if logical != E::DTYPE || !holds {
                return Err($crate::Error::DtypeMismatch {
                    stored: logical,
                    requested: E::DTYPE,
                });
            }
            let all: &[E] = bytemuck::checked::try_cast_slice(flex.bytes()).map_err(|e| {
                $crate::Error::backend(std::io::Error::other(format!(
                    "flex storage is not a slice of {}: {e}",
                    E::DTYPE
                )))
            })?;
            let layout = flex.layout();
            $crate::base::array::strided_view(
                all,
                layout.shape(),
                layout.strides(),
                layout.start_offset(),
            )
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

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

    /// Negative, zero and positive strides read the elements a backend's layout names, and a
    /// layout reaching outside the storage is an error.
    #[cfg(feature = "burn-0-22")]
    #[test]
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

    /// Exact errors print values in the shortest form that reads back, with an exponent
    /// where Python's `repr` uses one: not 301 digits for 1e300, nor 45 zeros for a subnormal.
    #[test]
    fn inexact_values_print_short() {
        let msg = |values: Vec<f64>, to: NdDType| {
            let array = crate::DynArray::from(
                ndarray::ArrayD::from_shape_vec(vec![values.len()], values).unwrap(),
            );
            array.cast(to, Casting::Exact).unwrap_err().to_string()
        };
        assert_eq!(
            msg(vec![1.0, 1e300], NdDType::F32),
            "value 1e+300 at index [1] cannot be represented exactly as float32"
        );
        assert_eq!(
            msg(vec![f64::from(f32::from_bits(1))], NdDType::F16),
            "value 1.401298464324817e-45 at index [0] cannot be represented exactly as float16"
        );
        assert_eq!(
            msg(vec![2.5], NdDType::I64),
            "value 2.5 at index [0] cannot be represented exactly as int64"
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
