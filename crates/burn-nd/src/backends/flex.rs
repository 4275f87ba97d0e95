//! Everything burn-nd knows about burn-flex, on both Burn lines (Burn 0.22's own CPU backend,
//! and burn-flex 0.21 with feature `flex-0-21`): its memory, read in place.
//!
//! A flex tensor is an `Arc` of bytes with a layout (shape, element strides that may be
//! negative or zero, a start offset) and a storage dtype. Burn's read-back first copies any
//! shared, strided or offset tensor into a new contiguous one and then hands that over; burn-nd
//! reads such a tensor through a view of its storage instead ([`HostStorage`](crate::storage::HostStorage)), one copy or one
//! cast loop into the array. A unique, contiguous tensor is handed over by Burn's read for
//! free, and that is the path left to it.
//!
//! **Memory contract.** Who else can write the storage a view reads: burn-flex itself, only
//! through `storage_mut` / `try_storage_mut`, which check that the storage is unshared (its
//! `scatter_nd` always writes a new buffer), read in burn-flex 0.21.0 and 0.22.1
//! (`src/tensor.rs`, `ops/gather_scatter.rs`). Every view here is taken through a tensor handle
//! the caller holds (the storage is shared while it lives), so no burn-flex operation writes
//! under it. Storage on `bytes` shared with another owner (`from_shared_bytes`, a NumPy array)
//! is copied by burn-flex before any write; that owner's own writes are its contract
//! (burn-nd-numpy holds NumPy's borrow checker).

use ndarray::ArrayViewD;

use crate::array::{check_bool_bytes, strided_view};
use crate::check::logical_dtype;
use crate::line::{stored, Line};
use crate::storage::{HostStorage, ViewFn};
use crate::{Error, NdDType, NdElement};

/// What burn-nd reads of a flex tensor: the same on both lines, whose `FlexTensor`s differ
/// only in their crate.
pub(crate) struct FlexParts<'a> {
    /// The whole storage.
    bytes: &'a [u8],
    /// The tensor's logical dtype.
    logical: NdDType,
    /// The element type its bytes hold (the line's `stored`).
    stored: NdDType,
    shape: &'a [usize],
    strides: &'a [isize],
    offset: usize,
    /// Nothing else shares the storage.
    unique: bool,
    contiguous: bool,
}

impl<'a> FlexParts<'a> {
    /// `true` when Burn's own read hands the buffer over without a copy: nothing else shares
    /// it and it holds exactly the tensor's elements in row-major order.
    fn handed_over(&self) -> bool {
        let elements: usize = self.shape.iter().product();
        self.unique
            && self.contiguous
            && self.offset == 0
            && self.bytes.len() == elements * self.stored.size()
    }

    /// The storage as `S`s laid out as the tensor: an error, never a wrong view, for bytes
    /// that are no valid `S`s (a bool byte other than 0 or 1) or a layout reaching outside
    /// them.
    fn view<S: NdElement>(&self) -> Result<ArrayViewD<'a, S>, Error> {
        let all: &'a [S] = bytemuck::checked::try_cast_slice(self.bytes).map_err(|e| {
            Error::backend(std::io::Error::other(format!(
                "flex storage is not a slice of {}: {e}",
                S::DTYPE
            )))
        })?;
        strided_view(all, self.shape, self.strides, self.offset)
    }

    /// Calls `f` with the view as the type the storage holds: a bool tensor stored in bytes as
    /// `bool` (each checked to be 0 or 1), every other one as its stored type.
    fn with_view<F: ViewFn>(&self, f: F) -> Result<F::Out, Error> {
        if self.logical == NdDType::Bool && self.stored == NdDType::U8 {
            check_bool_bytes("flex", &self.view::<u8>()?)?;
            return self.view::<bool>().map(|view| f.call(&view));
        }
        for_nd_dtype!(self.stored, S => self.view::<S>().map(|view| f.call(&view)))
    }

    /// The view as `E`s, for a line's `AsNdarrayView`: [`Error::DtypeMismatch`] unless `E` is
    /// the tensor's own dtype and the type its storage holds (a bool tensor's bytes are
    /// checked to be 0 or 1), an error if its layout reaches outside it.
    // Burn 0.21 has no `AsNdarrayView`: a build with only its flex has no caller.
    #[cfg_attr(not(feature = "burn-0-22"), allow(dead_code))]
    pub(crate) fn typed_view<E: NdElement>(&self) -> Result<ArrayViewD<'a, E>, Error> {
        let holds =
            self.stored == E::DTYPE || (self.stored == NdDType::U8 && E::DTYPE == NdDType::Bool);
        if self.logical != E::DTYPE || !holds {
            return Err(Error::DtypeMismatch {
                stored: self.logical,
                requested: E::DTYPE,
            });
        }
        if E::DTYPE == NdDType::Bool {
            check_bool_bytes("flex", &self.view::<u8>()?)?;
        }
        self.view()
    }
}

/// A flex tensor type of one line: its parts. Every line's `FlexTensor` answers the same
/// calls, but each is a type of another crate, so each line implements this for its own
/// (`lines/<line>/direct.rs`).
pub(crate) trait FlexStorage {
    /// What burn-nd reads of it ([`Error::Quantized`] for a quantized tensor).
    fn parts(&self) -> Result<FlexParts<'_>, Error>;
}

impl<'a> FlexParts<'a> {
    /// The parts of a tensor of the Burn line `L`'s `dtype`, from its layout's answers.
    #[allow(clippy::too_many_arguments)] // the layout's seven answers, each named
    pub(crate) fn new<L: Line>(
        bytes: &'a [u8],
        dtype: L::DType,
        shape: &'a [usize],
        strides: &'a [isize],
        offset: usize,
        unique: bool,
        contiguous: bool,
    ) -> Result<Self, Error> {
        Ok(FlexParts {
            bytes,
            logical: logical_dtype(dtype)?,
            stored: stored::<L>(dtype)?,
            shape,
            strides,
            offset,
            unique,
            contiguous,
        })
    }
}

/// Every flex tensor type, read through its parts.
impl<T: FlexStorage> HostStorage for T {
    fn handed_over(&self) -> bool {
        self.parts().is_ok_and(|parts| parts.handed_over())
    }

    fn with_view<F: ViewFn>(&self, f: F) -> Option<Result<F::Out, Error>> {
        Some(self.parts().and_then(|parts| parts.with_view(f)))
    }
}

#[cfg(all(test, feature = "burn-0-22"))]
mod tests_0_22 {
    use burn::backend::flex::FlexTensor;
    use burn::backend::Flex;
    use burn::tensor::{Bool, DType, Device, Int, Tensor, TensorData};
    use half::bf16;
    use ndarray::{array, s, Array2, Array3, ArrayD};

    use crate::{Casting, FromNdarray, ToNdarray};

    fn storage_address<const D: usize>(t: &Tensor<D>) -> *const u8 {
        let flex: FlexTensor = t
            .clone()
            .without_autodiff()
            .try_into_primitive::<Flex>()
            .unwrap();
        flex.bytes().as_ptr()
    }

    /// A unique, contiguous tensor read as its own dtype hands its buffer over, plain and
    /// under Autodiff; a shared one is copied and leaves the tensor intact.
    #[test]
    fn unique_tensors_hand_their_buffer_over() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            let values: Vec<f32> = (0..4096).map(|i| i as f32).collect();
            let t = Tensor::<2>::from_data(TensorData::new(values, [64, 64]), &device);
            let address = storage_address(&t);
            let shared: Array2<f32> = t.to_ndarray().unwrap();
            assert_ne!(
                shared.as_ptr() as *const u8,
                address,
                "a shared read copies"
            );
            let a: Array2<f32> = t.into_ndarray().unwrap();
            assert_eq!(a.as_ptr() as *const u8, address, "{device:?}: no copy");
            assert_eq!(a, shared);
        }
    }

    /// Strided, flipped, broadcast and sliced tensors made by Burn ops read in logical order,
    /// in every dtype the storage holds, casts included.
    #[test]
    fn views_made_by_burn_ops_read_in_logical_order() {
        let device = Device::flex();
        let base: Vec<i64> = (0..24).collect();
        let expected = ArrayD::from_shape_vec(vec![2, 3, 4], base.clone()).unwrap();
        let t = Tensor::<3, Int>::from_data(TensorData::new(base, [2, 3, 4]), &device);

        let swapped: ArrayD<i64> = t.clone().swap_dims(0, 2).to_ndarray_dyn().unwrap();
        assert_eq!(swapped, expected.clone().permuted_axes(vec![2, 1, 0]));
        let flipped: Array3<i64> = t.clone().flip([1]).to_ndarray().unwrap();
        assert_eq!(
            flipped,
            expected
                .slice(s![.., ..;-1, ..])
                .into_dimensionality()
                .unwrap()
        );
        let sliced: Array3<i32> = t
            .clone()
            .slice([0..2, 1..3, 1..4])
            .to_ndarray_with(Casting::SameKind)
            .unwrap();
        assert_eq!(
            sliced,
            expected.slice(s![.., 1..3, 1..4]).mapv(|v| v as i32)
        );
        let wide = Tensor::<1, Int>::from_data(TensorData::new(vec![1i64, 2, 3], [3]), &device)
            .reshape([1, 3])
            .expand([4, 3]);
        let broadcast: Array2<f64> = wide.to_ndarray_with(Casting::Unsafe).unwrap();
        assert_eq!(broadcast.row(3).to_vec(), vec![1.0, 2.0, 3.0]);

        let halves = array![[bf16::from_f32(1.5), bf16::from_f32(-2.0)]];
        let halves =
            Tensor::<2>::from_ndarray_as(&halves, &device, DType::BF16, Casting::No).unwrap();
        let transposed: Array2<bf16> = halves.clone().transpose().to_ndarray().unwrap();
        assert_eq!(
            transposed,
            array![[bf16::from_f32(1.5)], [bf16::from_f32(-2.0)]]
        );
        let bools =
            Tensor::<2, Bool>::from_data(TensorData::new(vec![true, false], [1, 2]), &device)
                .transpose();
        assert_eq!(bools.to_ndarray::<bool>().unwrap(), array![[true], [false]]);
        assert_eq!(bools.to_ndarray::<u8>().unwrap(), array![[1], [0]]);
    }

    /// `read_into` copies a strided flex tensor straight into a strided output.
    #[test]
    fn read_into_takes_any_layout_both_sides() {
        let device = Device::flex().autodiff();
        let t = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2]),
            &device,
        )
        .transpose();
        let mut big = Array2::<f32>::zeros((2, 4));
        t.read_into(&mut big.slice_mut(s![.., ..;2])).unwrap();
        assert_eq!(big, array![[1.0, 0.0, 3.0, 0.0], [2.0, 0.0, 4.0, 0.0]]);
        let mut ints = Array2::<i32>::from_elem((2, 2), 9);
        assert!(t.read_into_with(&mut ints, Casting::Exact).is_ok());
        assert_eq!(ints, array![[1, 3], [2, 4]]);
    }

    /// A Bool tensor whose storage holds a byte other than 0 or 1 (data Burn took as given)
    /// is refused by name, never read as `true`: the view checks every byte, as libtorch's
    /// does.
    #[test]
    fn bool_bytes_other_than_0_or_1_are_refused() {
        use burn::tensor::BoolStore;
        let data = TensorData::from_bytes_vec(vec![1, 0, 2], [3], DType::Bool(BoolStore::Native));
        let t = Tensor::<1, Bool>::from_data(data, &Device::flex());
        let shared = t.clone();
        let err = shared.to_ndarray::<bool>().unwrap_err();
        assert!(matches!(err, crate::Error::Backend { .. }), "{err}");
        assert!(err.to_string().contains("byte 2 at index [2]"), "{err}");
        let mut out = ndarray::Array1::<u8>::zeros(3);
        assert!(t.read_into(&mut out).is_err());
    }
}
