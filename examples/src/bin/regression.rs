//! Regression on the diabetes data set (442 patients, 10 features): an MLP trained on an
//! Autodiff device (Burn 0.22 burn-flex by default, or a Burn 0.21 `Autodiff<B>`), evaluated
//! every epoch by converting predictions to `ndarray` with burn-nd.
//!
//! ```text
//! cargo run --release -p burn-nd-examples --bin regression -- [--backend flex] [--epochs 200]
//! ```
//!
//! Writes `loss_curve.png`, `predicted_vs_actual.png`, `predictions.npy` and each learned
//! parameter as `<name>.npy` (`fc1.weight.npy`, ...) to `--out` (default
//! `target/examples-out/regression`).

use burn_nd::ndarray::{s, Array1, Array2, Axis};
use burn_nd_examples::training::{save_array, save_parameters, trainer, Targets};
use burn_nd_examples::*;
use plotters::prelude::*;

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

/// The data as arrays, before any Burn line sees it: standardised features, scaled targets.
struct Data {
    x_train: Array2<f32>,
    y_scaled: Array2<f32>,
    x_test: Array2<f32>,
    y_train: Array1<f64>,
    y_test: Array1<f64>,
    y_mean: f64,
    y_std: f64,
}

impl Data {
    fn load(args: &Args) -> Result<Data, BoxError> {
        let rows = read_csv(&data_dir().join("diabetes.csv"))?;
        let (train, test) = split(&rows, args.seed, 0.2);
        let features = |m: &Array2<f32>| m.slice(s![.., ..10]).to_owned();
        let target = |m: &Array2<f32>| m.column(10).mapv(f64::from);
        let scaler = Standardizer::fit(&features(&train));
        let (y_train, y_test) = (target(&train), target(&test));
        let y_mean = y_train.mean().unwrap_or(0.0);
        let y_std = y_train.std(0.0);
        Ok(Data {
            x_train: scaler.apply(&features(&train)),
            y_scaled: y_train
                .mapv(|y| ((y - y_mean) / y_std) as f32)
                .insert_axis(Axis(1)),
            x_test: scaler.apply(&features(&test)),
            y_train,
            y_test,
            y_mean,
            y_std,
        })
    }

    /// Model outputs (scaled) back in the target's units.
    fn unscale(&self, p: Array2<f32>) -> Array1<f64> {
        p.column(0)
            .mapv(|p| f64::from(p) * self.y_std + self.y_mean)
    }
}

/// What the training loop records; `epoch` is called once per epoch with the predictions on
/// the training and the test set, converted to ndarray by burn-nd.
#[derive(Default)]
struct Curves {
    train: Vec<f64>,
    test: Vec<f64>,
    last_pred: Array1<f64>,
}

impl Curves {
    fn epoch(
        &mut self,
        data: &Data,
        train: Array2<f32>,
        test: Array2<f32>,
        bar: &indicatif::ProgressBar,
    ) {
        let (train_mse, _) = metrics(&data.unscale(train), &data.y_train);
        self.last_pred = data.unscale(test);
        let (mse, r2) = metrics(&self.last_pred, &data.y_test);
        self.train.push(train_mse);
        self.test.push(mse);
        bar.set_message(format!("test MSE {mse:.0}  R² {r2:.3}"));
        bar.inc(1);
    }

    /// Charts and `.npy` files, and the report against the mean-prediction baseline.
    fn finish(&self, data: &Data, args: &Args) -> Result<Report, BoxError> {
        let (test_mse, test_r2) = metrics(&self.last_pred, &data.y_test);
        let baseline = Array1::from_elem(data.y_test.len(), data.y_mean);
        let (baseline_mse, baseline_r2) = metrics(&baseline, &data.y_test);
        line_chart(
            &args.out.join("loss_curve.png"),
            "Diabetes MLP: mean squared error",
            "MSE (original units)",
            &[("train", &self.train, BLUE), ("test", &self.test, RED)],
        )?;
        scatter(
            &args.out.join("predicted_vs_actual.png"),
            &data.y_test,
            &self.last_pred,
            test_r2,
        )?;
        save_array(&self.last_pred, &args.out, "predictions")?;
        Ok(Report {
            test_mse,
            test_r2,
            baseline_mse,
            baseline_r2,
        })
    }
}

/// The training loop, on whichever Burn line and backend `--backend` names: every epoch the
/// predictions on both sets come back as ndarray for the metrics.
fn run(args: &Args) -> Result<Report, BoxError> {
    let data = Data::load(args)?;
    let targets = Targets::Values(data.y_scaled.clone());
    let spec = regression_spec(1, args.seed);
    let mut trainer = trainer(&args.backend, &data.x_train, &targets, spec)?;
    let mut curves = Curves::default();
    let bar = args.progress();
    bar.set_prefix(format!("regression/{}", args.backend));
    for epoch in 0..args.epochs {
        trainer.epoch(args.seed + epoch as u64)?;
        let model = trainer.predictor()?;
        let train = model.predict(data.x_train.view())?;
        let test = model.predict(data.x_test.view())?;
        curves.epoch(&data, train, test, &bar);
    }
    bar.finish();
    save_parameters(&trainer.predictor()?.parameters()?, &args.out)?;
    curves.finish(&data, args)
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
    let report = run(&args)?;
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
