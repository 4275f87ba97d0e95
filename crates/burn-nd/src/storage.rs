//! The seam between burn-nd's reads and a CPU backend's memory: [`HostStorage`], implemented
//! once per backend tensor type in `backends/` (burn-flex, burn-ndarray and libtorch, each for
//! every Burn line that has it). What a direct read does with that memory is written once
//! here: [`read_copy`] into a new array, [`copy_into`] a caller's array.

use ndarray::{Array, ArrayBase, ArrayViewD, DataMut, Dimension};

use crate::array::{assign_same, read_array};
use crate::{Error, NdElement};

/// Something to do with a view of a tensor's memory, whatever element type the backend
/// stores there: [`HostStorage::with_view`] calls it with that type.
pub(crate) trait ViewFn {
    /// What it gives.
    type Out;
    /// Runs on `view`, the tensor's values (its logical layout, any strides) as the `S`s the
    /// backend stores.
    fn call<S: NdElement>(self, view: &ArrayViewD<'_, S>) -> Self::Out;
}

/// A backend tensor whose values burn-nd reads straight from the host memory that holds them.
///
/// Each impl's documentation states its memory contract: who else can write that memory while
/// a view of it lives, and what stops them. A view lives only for one [`with_view`] call, on a
/// tensor handle the caller holds, so a backend whose in-place writes check that a handle is
/// unique (burn-flex, burn-ndarray) cannot write under it; libtorch's cannot always
/// (`backends::tch` says when).
///
/// [`with_view`]: HostStorage::with_view
pub(crate) trait HostStorage {
    /// Whether Burn's own read of this tensor hands its buffer over with no copy at all
    /// (nothing else shares it and it holds exactly the tensor's elements in row-major order):
    /// a read that wants a new array then takes that path instead of copying from a view.
    fn handed_over(&self) -> bool;

    /// Calls `f` with a view of the tensor's values in the backend's memory, as the element
    /// type the backend stores them as (a bool tensor as `bool`, checked to be 0 or 1, or as
    /// the integers Burn keeps bools in). `None` where there is no host memory to view (a
    /// libtorch tensor on a GPU); `Some(Err)` for memory that cannot be viewed soundly (a
    /// layout reaching outside its buffer, bytes that are no valid elements).
    fn with_view<F: ViewFn>(&self, f: F) -> Option<Result<F::Out, Error>>;
}

/// Reads `tensor` straight from its memory into a new array of dimension `Dm`, its values cast
/// with `as` semantics (each checked when `exact`; the caller has checked the cast on the
/// tensor's logical dtype): one pass over a view. `None` where the caller should take Burn's
/// own read instead: a buffer that read hands over for free, or no host memory to view.
pub(crate) fn read_copy<T, E, Dm>(tensor: &T, exact: bool) -> Option<Result<Array<E, Dm>, Error>>
where
    T: HostStorage + ?Sized,
    E: NdElement,
    Dm: Dimension,
{
    /// One pass from the view into a new array.
    struct Read<E, Dm>(bool, std::marker::PhantomData<(E, Dm)>);
    impl<E: NdElement, Dm: Dimension> ViewFn for Read<E, Dm> {
        type Out = Result<Array<E, Dm>, Error>;
        fn call<S: NdElement>(self, view: &ArrayViewD<'_, S>) -> Self::Out {
            read_array(view, self.0)
        }
    }
    if tensor.handed_over() {
        return None;
    }
    tensor
        .with_view(Read(exact, std::marker::PhantomData))
        .map(Result::flatten)
}

/// Copies `tensor`'s values straight from its memory into `out` (its shape, checked by the
/// caller) when the backend stores them as `E`, so no cast is needed. `false`, writing
/// nothing, where it cannot: another stored type, no host memory, a view refused (the caller's
/// own read then reports why).
pub(crate) fn copy_into<T, E, S, Dm>(tensor: &T, out: &mut ArrayBase<S, Dm>) -> bool
where
    T: HostStorage + ?Sized,
    E: NdElement,
    S: DataMut<Elem = E>,
    Dm: Dimension,
{
    /// One copy from the view into `out`, when it holds `E`s.
    struct Assign<'o, S: ndarray::RawData, Dm>(&'o mut ArrayBase<S, Dm>);
    impl<E: NdElement, S: DataMut<Elem = E>, Dm: Dimension> ViewFn for Assign<'_, S, Dm> {
        type Out = bool;
        fn call<V: NdElement>(self, view: &ArrayViewD<'_, V>) -> bool {
            assign_same(view, self.0)
        }
    }
    matches!(tensor.with_view(Assign(out)), Some(Ok(true)))
}
