//! Regression on the diabetes data set (442 patients, 10 features): an MLP trained with
//! `Autodiff<B>`, evaluated every epoch by converting predictions to `ndarray` with burn-nd.
//!
//! ```text
//! cargo run --release -p burn-nd-examples --bin regression -- [--backend ndarray] [--epochs 200]
//! ```
//!
//! Writes `loss_curve.png`, `predicted_vs_actual.png`, `predictions.npy` and one `.npy` per
//! learned weight to `--out` (default `target/examples-out/regression`).

use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Int, Tensor};
use burn_nd::ndarray::{s, Array1, Array2, Axis};
use burn_nd::prelude::*;
use burn_nd_examples::*;
use plotters::prelude::*;

const BATCH: usize = 32;
const LEARNING_RATE: f64 = 1e-3;
const HIDDEN: usize = 16;

/// Mean squared error and coefficient of determination, computed with ndarray.
fn metrics(pred: &Array1<f64>, target: &Array1<f64>) -> (f64, f64) {
    let residual = pred - target;
    let mse = residual.mapv(|r| r * r).mean().unwrap_or(f64::NAN);
    let mean = target.mean().unwrap_or(0.0);
    let total = target.mapv(|t| (t - mean) * (t - mean)).sum();
    (mse, 1.0 - residual.mapv(|r| r * r).sum() / total)
}

struct Report {
    test_mse: f64,
    test_r2: f64,
    baseline_mse: f64,
    baseline_r2: f64,
}

fn run<B: AutodiffBackend>(device: B::Device, args: &Args) -> Result<Report, BoxError> {
    B::seed(&device, args.seed);
    let rows = read_csv(&data_dir().join("diabetes.csv"))?;
    let (train, test) = split(&rows, args.seed, 0.2);
    let features = |m: &Array2<f32>| m.slice(s![.., ..10]).to_owned();
    let target = |m: &Array2<f32>| m.column(10).mapv(f64::from);
    let scaler = Standardizer::fit(&features(&train));
    let (y_train, y_test) = (target(&train), target(&test));
    let y_mean = y_train.mean().unwrap_or(0.0);
    let y_std = y_train.std(0.0);

    // ndarray → tensors (burn-nd casts f64 targets to the backend's float dtype).
    let x_train = Tensor::<B, 2>::from_ndarray(&scaler.apply(&features(&train)), &device)?;
    let y_scaled = y_train.mapv(|y| (y - y_mean) / y_std).insert_axis(Axis(1));
    let y_train_t = Tensor::<B, 2>::from_ndarray(&y_scaled, &device)?;
    let x_test =
        Tensor::<B::InnerBackend, 2>::from_ndarray(&scaler.apply(&features(&test)), &device)?;
    let x_train_eval = x_train.clone().inner();

    let mut model = Mlp::<B>::new(10, HIDDEN, 1, &device);
    let mut optim = AdamConfig::new().init();
    let (mut train_curve, mut test_curve) = (Vec::new(), Vec::new());
    let unscale = |p: Array2<f64>| p.column(0).mapv(|p| p * y_std + y_mean);
    let bar = args.progress();
    bar.set_prefix(format!("regression/{}", args.backend));
    let mut last_pred = Array1::zeros(0);
    for epoch in 0..args.epochs {
        for batch in shuffled(train.nrows(), args.seed + epoch as u64).chunks(BATCH) {
            let idx: Array1<i64> = batch.iter().map(|&i| i as i64).collect();
            let idx = Tensor::<B, 1, Int>::from_ndarray(&idx, &device)?;
            let pred = model.forward(x_train.clone().select(0, idx.clone()));
            let loss = (pred - y_train_t.clone().select(0, idx))
                .powi_scalar(2)
                .mean();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(LEARNING_RATE, model, grads);
        }
        // Evaluate without the autodiff graph; predictions come back as f64 arrays.
        let valid = model.valid();
        let (train_mse, _) = metrics(
            &unscale(valid.forward(x_train_eval.clone()).into_ndarray()?),
            &y_train,
        );
        last_pred = unscale(valid.forward(x_test.clone()).into_ndarray()?);
        let (mse, r2) = metrics(&last_pred, &y_test);
        train_curve.push(train_mse);
        test_curve.push(mse);
        bar.set_message(format!("test MSE {mse:.0}  R² {r2:.3}"));
        bar.inc(1);
    }
    bar.finish();

    let (test_mse, test_r2) = metrics(&last_pred, &y_test);
    let baseline = Array1::from_elem(y_test.len(), y_mean);
    let (baseline_mse, baseline_r2) = metrics(&baseline, &y_test);

    line_chart(
        &args.out.join("loss_curve.png"),
        "Diabetes MLP: mean squared error",
        "MSE (original units)",
        &[("train", &train_curve, BLUE), ("test", &test_curve, RED)],
    )?;
    scatter(
        &args.out.join("predicted_vs_actual.png"),
        &y_test,
        &last_pred,
        test_r2,
    )?;
    ndarray_npy::write_npy(args.out.join("predictions.npy"), &last_pred)?;
    save_parameters(&model.valid(), &args.out)?;
    Ok(Report {
        test_mse,
        test_r2,
        baseline_mse,
        baseline_r2,
    })
}

fn scatter(
    path: &std::path::Path,
    actual: &Array1<f64>,
    pred: &Array1<f64>,
    r2: f64,
) -> Result<(), BoxError> {
    register_font();
    let root = BitMapBackend::new(path, (600, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let hi = actual
        .iter()
        .chain(pred.iter())
        .fold(0f64, |a, &b| a.max(b))
        * 1.05;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Test set: predicted vs actual (R² {r2:.3})"),
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..hi, 0f64..hi)?;
    chart
        .configure_mesh()
        .x_desc("actual progression")
        .y_desc("predicted")
        .draw()?;
    chart.draw_series(LineSeries::new([(0.0, 0.0), (hi, hi)], BLACK.mix(0.5)))?;
    chart.draw_series(
        actual
            .iter()
            .zip(pred)
            .map(|(&a, &p)| Circle::new((a, p), 3, BLUE.mix(0.7).filled())),
    )?;
    root.present()?;
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse(100, "target/examples-out/regression")?;
    let report = with_backend!(args.clone(), run)?;
    println!(
        "diabetes regression, backend {}, {} epochs, seed {}",
        args.backend, args.epochs, args.seed
    );
    println!(
        "test MSE {:.1} (baseline, predicting the training mean: {:.1})",
        report.test_mse, report.baseline_mse
    );
    println!(
        "test R²  {:.4} (baseline {:.4})",
        report.test_r2, report.baseline_r2
    );
    println!("outputs in {}", args.out.display());
    if args.check && !(report.test_mse < report.baseline_mse && report.test_r2 > report.baseline_r2)
    {
        return Err("the model does not beat the mean-prediction baseline".into());
    }
    Ok(())
}
