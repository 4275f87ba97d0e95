// Conversions from many threads at once.

use burn_nd::ndarray::Array2;
use burn_nd::prelude::*;

use burn_nd_conformance::Expect;


/// Eight threads convert at once, each its own tensors and one shared tensor.
pub fn threads(device: &TestDevice, _: &Expect) {
    let base = Array2::from_shape_fn((16, 9), |(i, j)| (i * 9 + j) as f32);
    let shared = TestTensor::<2>::from_ndarray(&base, device).expect("shared");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|k| {
                let (base, shared) = (&base, shared.clone());
                scope.spawn(move || {
                    for round in 0..10 {
                        let offset = (k * 100 + round) as f32;
                        let mine = base.mapv(|x| x + offset);
                        let t = TestTensor::<2>::from_ndarray(&mine, device).expect("from");
                        let back: Array2<f64> = (t + 1.0).into_ndarray().expect("into");
                        assert_eq!(back, mine.mapv(|x| f64::from(x) + 1.0));
                        let ints: Array2<i64> =
                            shared.to_ndarray_with(Casting::Exact).expect("shared");
                        assert_eq!(ints, base.mapv(|x| x as i64));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread");
        }
    });
}
