//! A line's `TensorData` to arrays, host buffers and typed vectors, and back: Burn's read-back
//! on one side, `from_ndarray`'s upload on the other. Written once, over the [`Line`] trait.

use std::borrow::Cow;

use ndarray::{Array, Dimension};

use crate::array::{cast_slice, cast_stored, shaped};
use crate::check::check_cast;
use crate::check::target_dtype;
use crate::line::{stored, BoolStore, Line};
use crate::{Casting, Error, HostBuffer, NdDType, NdElement};

/// `data`'s values as an array of dimension `Dm`, cast under `casting` (the caller has checked
/// the cast on the tensor's logical dtype).
pub(crate) fn array_from_data<L: Line, E: NdElement, Dm: Dimension>(
    data: L::Data,
    casting: Casting,
) -> Result<Array<E, Dm>, Error> {
    let shape = L::shape(&data).to_vec();
    let values = data_into_vec::<L, E>(data, casting == Casting::Exact)?;
    shaped(&shape, values)
}

/// The data's elements, in order, as `E`. The caller has checked the cast on the tensor's
/// logical dtype; the data's dtype is the storage dtype the backend read back, which may be
/// wider (tch reads every Int as i64, cube reads Bool as u32). Casting the stored values with
/// `as` semantics gives the same result as casting the logical values, since they fit the
/// logical dtype; under `Exact` every stored value is checked.
pub(crate) fn data_into_vec<L: Line, E: NdElement>(
    data: L::Data,
    exact: bool,
) -> Result<Vec<E>, Error> {
    let (bytes, shape, dtype) = L::into_parts(data);
    L::load_host_bytes(&bytes)?;
    // The stored dtype itself, not its logical one: a bool stored as u32 is no `Vec<bool>`.
    if dtype == L::DType::from(E::DTYPE) {
        // Same type: the buffer is handed over when the backend allows it. Otherwise (a GPU
        // read-back) one copy by `fast::copy`, whose large buffers use huge pages, not by
        // Burn's `into_vec`, whose `to_vec` faults in every 4 KiB page.
        return match L::bytes_into_vec::<E>(bytes) {
            Ok(values) => Ok(values),
            Err(bytes) => cast_stored(&bytes, E::DTYPE, &shape, false),
        };
    }
    cast_stored(&bytes, stored::<L>(dtype)?, &shape, exact)
}

/// `data`, the read-back of a tensor of dtype `logical`, as a [`HostBuffer`]: its own bytes
/// when Burn stored them as `logical` elements in memory only they hold (no copy, whatever
/// their alignment), else its values cast to `logical` (one copy: also for bytes still shared
/// with another owner, such as a NumPy array, and for a device read-back; the line's
/// `exclusive_host_bytes` decides).
pub(crate) fn host_buffer_from_data<L: Line>(
    data: L::Data,
    logical: NdDType,
) -> Result<HostBuffer, Error> {
    let (mut bytes, shape, dtype) = L::into_parts(data);
    let exclusive = L::exclusive_host_bytes(&mut bytes)?;
    let bytes = if exclusive && dtype == L::DType::from(logical) {
        // SAFETY: `exclusive_host_bytes` let through only bytes whose memory is on the heap at
        // one address and reached by this value alone, so `deref_mut` neither copies nor moves
        // it: Burn's native allocations (both lines) and, on 0.22, a shared controller's
        // private native copy after its copy-on-write (its `write(no_copy)` succeeds only
        // then). That is those controllers' behaviour, read in cubecl-common 0.10 and
        // cubecl-environment 0.11.4, not a trait contract.
        match unsafe { HostBuffer::from_heap_bytes(bytes, shape.clone(), logical) } {
            Ok(buffer) => return Ok(buffer),
            Err(bytes) => bytes,
        }
    } else {
        bytes
    };
    let stored = stored::<L>(dtype)?;
    for_nd_dtype!(logical, E => Ok(HostBuffer::from_vec(
        cast_stored::<E>(&bytes, stored, &shape, false)?,
        shape,
    )))
}

/// `src` (row-major, of `shape`) cast to `target` as tensor data whose dtype is exactly
/// `target`, so Burn's own (panicking) conversion never runs. `Flex32` is built as f32 data.
/// An owned `src` of the target dtype (an array gathered from strides) becomes the data's
/// buffer, not copied again.
pub(crate) fn slice_to_data<L: Line, A: NdElement>(
    src: Cow<'_, [A]>,
    shape: &[usize],
    target: L::DType,
    casting: Casting,
) -> Result<L::Data, Error> {
    check_cast(A::DTYPE, target, casting)?;
    let nd = target_dtype(target)?;
    let exact = casting == Casting::Exact;
    let data = |bytes, dtype| L::from_bytes(bytes, shape.to_vec(), dtype);
    if let Some(store) = L::bool_store(target) {
        let bools = cast_slice::<A, bool>(&src, exact, shape)?;
        let bytes = match store {
            BoolStore::Native => L::bytes_from_vec(bools),
            BoolStore::U8 => L::bytes_from_vec(cast_slice::<bool, u8>(&bools, false, shape)?),
            BoolStore::U32 => L::bytes_from_vec(cast_slice::<bool, u32>(&bools, false, shape)?),
        };
        return Ok(data(bytes, target));
    }
    let bytes = match src {
        Cow::Owned(values) if nd == A::DTYPE => L::bytes_from_vec(values),
        src => for_nd_dtype!(nd, T => L::bytes_from_vec(cast_slice::<A, T>(&src, exact, shape)?)),
    };
    Ok(data(bytes, L::DType::from(nd)))
}
