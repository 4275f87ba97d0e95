//! Which CPU backend's memory a Burn 0.21 tensor's primitive holds: the line's one dispatch
//! to `backends/` (burn-ndarray always; burn-tch and burn-flex 0.21 with features `tch-0-21`
//! and `flex-0-21`), plain or inside an `Autodiff` tensor, and [`LineTensor`] for its tensors.

use core::any::Any;

use burn021::tensor::backend::Backend;
use burn021::tensor::{BasicOps, Tensor, TensorData, TensorPrimitive};
use ndarray::{Array, ArrayBase, DataMut, Dimension};

use super::data::Line021;
use crate::convert::to::{LineTensor, Read};
use crate::storage::{copy_into, read_copy};
use crate::{Error, NdElement};

impl<B: Backend, const D: usize, K: BasicOps<B>> LineTensor for Tensor<B, D, K>
where
    K::Primitive: 'static,
{
    type Line = Line021;

    fn read<E: NdElement, Dm: Dimension>(
        self,
        exact: bool,
    ) -> Result<Read<E, Dm, TensorData>, Error> {
        let primitive = self.into_primitive();
        if let Some(read) = read_host::<B, _, E, Dm>(&primitive, exact) {
            return read.map(Read::Direct);
        }
        Tensor::<B, D, K>::from_primitive(primitive)
            .try_into_data()
            .map(Read::ReadBack)
            .map_err(Error::backend)
    }

    fn copy_into<E, S, Dm>(&self, out: &mut ArrayBase<S, Dm>) -> bool
    where
        E: NdElement,
        S: DataMut<Elem = E>,
        Dm: Dimension,
    {
        copy_host::<B, _, E, S, Dm>(&self.clone().into_primitive(), out)
    }

    #[cfg(feature = "dlpack")]
    fn logical_dtype(&self) -> Result<crate::NdDType, Error> {
        crate::check::logical_dtype(self.dtype())
    }

    #[cfg(feature = "dlpack")]
    fn export(self, logical: crate::NdDType) -> Result<crate::dlpack::Export<Self>, Error> {
        use crate::dlpack::{plan, Plan};
        let primitive = self.into_primitive();
        let plan = match host::<B, _>(&primitive) {
            Some(Host::NdArray(tensor)) => plan(tensor, logical)?,
            #[cfg(feature = "flex-0-21")]
            Some(Host::Flex(tensor)) => plan(tensor, logical)?,
            // burn-tch writes in place into storage other handles share: copied.
            _ => Plan::Copy,
        };
        Ok(plan.export(Tensor::<B, D, K>::from_primitive(primitive)))
    }
}

/// Copies a primitive's values straight from its memory into `out` (the tensor's shape) when
/// it stores `E`s; `false`, writing nothing, where it cannot.
fn copy_host<B, P, E, S, Dm>(primitive: &P, out: &mut ArrayBase<S, Dm>) -> bool
where
    B: Backend,
    P: 'static,
    E: NdElement,
    S: DataMut<Elem = E>,
    Dm: Dimension,
{
    match host::<B, P>(primitive) {
        Some(Host::NdArray(tensor)) => copy_into(tensor, out),
        #[cfg(feature = "tch-0-21")]
        Some(Host::Tch(tensor)) => copy_into(tensor, out),
        #[cfg(feature = "flex-0-21")]
        Some(Host::Flex(tensor)) => copy_into(tensor, out),
        None => false,
    }
}

/// Reads a primitive straight from its memory, its values cast with `as` semantics (each
/// checked when `exact`). `None` where the caller should use Burn's own read instead: other
/// backends, a burn-ndarray buffer that read hands over with no copy, a tch tensor off the CPU.
fn read_host<B: Backend, P: 'static, E: NdElement, Dm: Dimension>(
    primitive: &P,
    exact: bool,
) -> Option<Result<Array<E, Dm>, Error>> {
    match host::<B, P>(primitive)? {
        Host::NdArray(tensor) => read_copy(tensor, exact),
        #[cfg(feature = "tch-0-21")]
        Host::Tch(tensor) => read_copy(tensor, exact),
        #[cfg(feature = "flex-0-21")]
        Host::Flex(tensor) => read_copy(tensor, exact),
    }
}

/// A tensor of one of the backends whose memory is read directly here.
enum Host<'a> {
    NdArray(&'a burn_ndarray::NdArrayTensor),
    #[cfg(feature = "tch-0-21")]
    Tch(&'a tch::Tensor),
    #[cfg(feature = "flex-0-21")]
    Flex(&'a burn_flex::FlexTensor),
}

/// The directly readable tensor inside a primitive, if it holds one.
fn host<B: Backend, P: 'static>(primitive: &P) -> Option<Host<'_>> {
    if let Some(tensor) = downcast::<B, P, burn_ndarray::NdArrayTensor>(primitive) {
        return Some(Host::NdArray(tensor));
    }
    #[cfg(feature = "tch-0-21")]
    if let Some(tensor) = downcast::<B, P, burn_tch::TchTensor>(primitive) {
        return Some(Host::Tch(&tensor.tensor));
    }
    #[cfg(feature = "flex-0-21")]
    if let Some(tensor) = downcast::<B, P, burn_flex::FlexTensor>(primitive) {
        return Some(Host::Flex(tensor));
    }
    None
}

/// The backend tensor of type `T` inside a primitive of any kind: the primitive itself for Int
/// and Bool (also under `Autodiff`, whose Int and Bool tensors are the inner backend's), the
/// one inside [`TensorPrimitive::Float`] for Float, or inside that one's `AutodiffTensor`.
/// `None` on other backends.
fn downcast<B: Backend, P: 'static, T: 'static>(primitive: &P) -> Option<&T> {
    let any: &dyn Any = primitive;
    if let Some(t) = any.downcast_ref::<T>() {
        return Some(t);
    }
    match any.downcast_ref::<TensorPrimitive<B>>()? {
        TensorPrimitive::Float(t) => {
            let any: &dyn Any = t;
            any.downcast_ref::<T>().or_else(|| autodiff_inner(any))
        }
        TensorPrimitive::QFloat(_) => None,
    }
}

/// The inner tensor of an `Autodiff<B>` Float tensor, as a `T`, for the inner backends read
/// directly here: every element-type choice of burn-ndarray and burn-tch, and burn-flex. The
/// values are the tensor's own, as `detach()` gives; no graph is involved.
///
/// Rust cannot name "any `AutodiffTensor<B>`" (that type sits in a private module of
/// burn-autodiff; it is named here as what it is, `Autodiff<B, C>`'s Float primitive, whose
/// `primitive` field is public), so the backend types are listed.
fn autodiff_inner<T: 'static>(any: &dyn Any) -> Option<&T> {
    use burn_ndarray::NdArray;
    let found = inner_of::<NdArray<f32, i64>, T>(any)
        .or_else(|| inner_of::<NdArray<f32, i32>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, i16>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, i8>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, u64>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, u32>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, u16>, T>(any))
        .or_else(|| inner_of::<NdArray<f32, u8>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, i64>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, i32>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, i16>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, i8>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, u64>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, u32>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, u16>, T>(any))
        .or_else(|| inner_of::<NdArray<f64, u8>, T>(any));
    #[cfg(feature = "tch-0-21")]
    let found = found
        .or_else(|| inner_of::<burn_tch::LibTorch<f32>, T>(any))
        .or_else(|| inner_of::<burn_tch::LibTorch<f64>, T>(any))
        .or_else(|| inner_of::<burn_tch::LibTorch<half::f16>, T>(any))
        .or_else(|| inner_of::<burn_tch::LibTorch<half::bf16>, T>(any));
    #[cfg(feature = "flex-0-21")]
    let found = found.or_else(|| inner_of::<burn_flex::Flex, T>(any));
    found
}

/// `any` as the inner primitive of `Autodiff<Inner, C>` downcast to `T`, for either
/// checkpointing strategy `C`; `None` when it is neither.
fn inner_of<Inner: Backend, T: 'static>(any: &dyn Any) -> Option<&T> {
    use burn021::tensor::ops::FloatTensor;
    use burn_autodiff::checkpoint::strategy::{BalancedCheckpointing, NoCheckpointing};
    use burn_autodiff::Autodiff;
    let inner: &dyn Any =
        if let Some(t) = any.downcast_ref::<FloatTensor<Autodiff<Inner, NoCheckpointing>>>() {
            &t.primitive
        } else {
            &any.downcast_ref::<FloatTensor<Autodiff<Inner, BalancedCheckpointing>>>()?
                .primitive
        };
    inner.downcast_ref::<T>()
}

/// burn-flex 0.21 (feature `flex-0-21`).
#[cfg(feature = "flex-0-21")]
impl crate::backends::flex::FlexStorage for burn_flex::FlexTensor {
    fn parts(&self) -> Result<crate::backends::flex::FlexParts<'_>, Error> {
        let layout = self.layout();
        crate::backends::flex::FlexParts::new::<Line021>(
            self.bytes(),
            self.dtype(),
            layout.shape(),
            layout.strides(),
            layout.start_offset(),
            self.is_unique(),
            layout.is_contiguous(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn021::tensor::{Bool, Int, Tensor};
    use burn_autodiff::Autodiff;
    use burn_ndarray::NdArray;
    use ndarray::{array, IxDyn};

    /// What `read_host` makes of a tensor's primitive: `Some` means the direct read took it.
    fn direct<B: Backend, const D: usize, K: burn021::tensor::BasicOps<B>, E: NdElement>(
        t: Tensor<B, D, K>,
    ) -> Option<ndarray::ArrayD<E>>
    where
        K::Primitive: 'static,
    {
        read_host::<B, _, E, IxDyn>(&t.into_primitive(), false).map(|r| r.unwrap())
    }

    /// Autodiff tensors of every kind, made by Burn ops and shared with a clone as during
    /// training, are read straight from the inner burn-ndarray buffer, with the values a
    /// detached read gives; the graph still works after.
    #[test]
    fn autodiff_tensors_take_the_direct_read() {
        type B = Autodiff<NdArray>;
        let device = Default::default();
        let x = Tensor::<B, 2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device).require_grad();
        let y = (x.clone() * 2.0).transpose();
        let _shared = y.clone();
        let want = array![[2.0f32, 6.0], [4.0, 8.0]].into_dyn();
        assert_eq!(direct::<B, 2, _, f32>(y.clone()), Some(want.clone()));
        assert_eq!(
            y.clone().detach().into_data().to_vec::<f32>().unwrap(),
            want.iter().copied().collect::<Vec<_>>()
        );
        let grads = y.sum().backward();
        assert_eq!(
            x.grad(&grads).unwrap().into_data().to_vec::<f32>().unwrap(),
            vec![2.0; 4]
        );

        let i = Tensor::<B, 1, Int>::from_ints([1, -2, 3], &device);
        let _shared = i.clone();
        assert_eq!(
            direct::<B, 1, _, i64>(i),
            Some(array![1i64, -2, 3].into_dyn())
        );
        let b = Tensor::<B, 1, Bool>::from_bool([true, false].into(), &device);
        let _shared = b.clone();
        assert_eq!(
            direct::<B, 1, _, bool>(b),
            Some(array![true, false].into_dyn())
        );
    }

    /// `read_into` of a same-dtype burn-ndarray tensor copies straight into the caller's
    /// array (`copy_host` takes it), in every layout; other types are left to the caller.
    #[test]
    fn copy_into_fills_any_layout_and_refuses_other_types() {
        use ndarray::{s, Array2, ShapeBuilder};
        type B = NdArray;
        let device = Default::default();
        // An explicit dtype, whatever default another test fixed for the device.
        let data = burn021::tensor::TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]);
        let t = Tensor::<B, 2>::from_data(data, (&device, burn021::tensor::DType::F32));
        let want = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        for source in [
            t.clone(),
            t.clone().transpose().transpose(),
            t.clone().flip([1]).flip([1]),
        ] {
            let p = source.into_primitive();
            let mut c = Array2::<f32>::zeros((2, 3));
            assert!(copy_host::<B, _, f32, _, _>(&p, &mut c));
            assert_eq!(c, want);
            let mut f = Array2::<f32>::zeros((2, 3).f());
            assert!(copy_host::<B, _, f32, _, _>(&p, &mut f));
            assert_eq!(f, want);
            let mut big = Array2::<f32>::zeros((4, 6));
            assert!(copy_host::<B, _, f32, _, _>(
                &p,
                &mut big.slice_mut(s![..;2, ..;-2])
            ));
            assert_eq!(big.slice(s![..;2, ..;-2]), want);
            assert_eq!(big.slice(s![1..;2, ..]).sum(), 0.0);
            let mut other = Array2::<f64>::from_elem((2, 3), 9.0);
            assert!(!copy_host::<B, _, f64, _, _>(&p, &mut other));
            assert!(other.iter().all(|&x| x == 9.0));
        }
    }

    /// Other element types of burn-ndarray under Autodiff too (each is named in
    /// `autodiff_inner`).
    #[test]
    fn autodiff_of_other_ndarray_element_types() {
        type B = Autodiff<NdArray<f64, i32>>;
        let device = Default::default();
        // An explicit dtype: Burn fixes a device's default dtype process-wide, and the other
        // test may already have fixed it to f32.
        let data = burn021::tensor::TensorData::new(vec![0.1f64, 0.2], [2]);
        let t = Tensor::<B, 1>::from_data(data, (&device, burn021::tensor::DType::F64));
        let _shared = t.clone();
        assert_eq!(
            direct::<B, 1, _, f64>(t),
            Some(array![0.1f64, 0.2].into_dyn())
        );
    }

    /// An `Autodiff` backend with gradient checkpointing reads directly too.
    #[test]
    fn autodiff_with_checkpointing() {
        use burn_autodiff::checkpoint::strategy::BalancedCheckpointing;
        type B = Autodiff<NdArray, BalancedCheckpointing>;
        let device = Default::default();
        let data = burn021::tensor::TensorData::new(vec![1.5f32, -2.0, 4.0], [3]);
        let x = Tensor::<B, 1>::from_data(data, (&device, burn021::tensor::DType::F32));
        let y = x.require_grad().exp().log();
        let _shared = y.clone();
        let got = direct::<B, 1, _, f32>(y).expect("direct read");
        assert!(got
            .iter()
            .zip([1.5f32, -2.0, 4.0])
            .all(|(g, w)| (g - w).abs() < 1e-5));
    }
}
