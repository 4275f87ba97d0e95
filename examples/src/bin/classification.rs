//! Classification of 8×8 handwritten digits (1,797 images, 10 classes): an MLP trained on an
//! Autodiff device (Burn 0.22 burn-flex by default, or a Burn 0.21 `Autodiff<B>`); accuracy
//! and the confusion matrix are computed with `ndarray` from logits converted by burn-nd.
//!
//! ```text
//! cargo run --release -p burn-nd-examples --bin classification -- [--backend flex] [--epochs 30]
//! ```
//!
//! Writes `accuracy_curve.png`, `confusion_matrix.png`, `predictions.npy` and each learned
//! parameter as `<name>.npy` (`fc1.weight.npy`, ...) to `--out` (default
//! `target/examples-out/classification`).

use burn_nd::ndarray::{s, Array1, Array2};
use burn_nd_examples::training::{save_array, save_parameters, trainer, Spec, Targets};
use burn_nd_examples::*;
use plotters::prelude::*;

const CLASSES: usize = 10;
const BATCH: usize = 64;
const LEARNING_RATE: f64 = 2e-3;

/// Row-wise argmax of the logits.
fn argmax(logits: &Array2<f32>) -> Array1<i64> {
    logits
        .rows()
        .into_iter()
        .map(|row| {
            let best = row
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            best.0 as i64
        })
        .collect()
}

/// `counts[[actual, predicted]]`.
fn confusion(actual: &Array1<i64>, predicted: &Array1<i64>) -> Array2<u32> {
    let mut counts = Array2::zeros((CLASSES, CLASSES));
    for (&a, &p) in actual.iter().zip(predicted) {
        counts[[a as usize, p as usize]] += 1;
    }
    counts
}

fn accuracy(counts: &Array2<u32>) -> f64 {
    f64::from(counts.diag().sum()) / f64::from(counts.sum().max(1))
}

struct Report {
    accuracy: f64,
    baseline: f64,
    confusion: Array2<u32>,
}

/// The data as arrays, before any Burn line sees it: pixels scaled to [0, 1], labels.
struct Data {
    x_train: Array2<f32>,
    y_train: Array1<i64>,
    x_test: Array2<f32>,
    y_test: Array1<i64>,
}

impl Data {
    fn load(args: &Args) -> Result<Data, BoxError> {
        let rows = read_csv(&data_dir().join("digits.csv"))?;
        let (train, test) = split(&rows, args.seed, 0.25);
        let pixels = |m: &Array2<f32>| m.slice(s![.., ..64]).mapv(|p| p / 16.0);
        let labels = |m: &Array2<f32>| m.column(64).mapv(|l| l as i64);
        Ok(Data {
            x_train: pixels(&train),
            y_train: labels(&train),
            x_test: pixels(&test),
            y_test: labels(&test),
        })
    }
}

/// What the training loop records; `epoch` takes the test logits converted by burn-nd.
struct Curves {
    curve: Vec<f64>,
    counts: Array2<u32>,
    predicted: Array1<i64>,
}

impl Curves {
    fn new() -> Curves {
        Curves {
            curve: Vec::new(),
            counts: Array2::zeros((CLASSES, CLASSES)),
            predicted: Array1::zeros(0),
        }
    }

    fn epoch(&mut self, data: &Data, logits: &Array2<f32>, bar: &indicatif::ProgressBar) {
        self.predicted = argmax(logits);
        self.counts = confusion(&data.y_test, &self.predicted);
        self.curve.push(accuracy(&self.counts));
        bar.set_message(format!("test accuracy {:.3}", accuracy(&self.counts)));
        bar.inc(1);
    }

    /// Charts and `.npy` files, and the report against the majority-class baseline.
    fn finish(self, data: &Data, args: &Args) -> Result<Report, BoxError> {
        let mut freq = [0usize; CLASSES];
        data.y_train.iter().for_each(|&y| freq[y as usize] += 1);
        let majority = (0..CLASSES)
            .max_by_key(|&c| (freq[c], usize::MAX - c))
            .unwrap_or(0) as i64;
        let hits = data.y_test.iter().filter(|&&y| y == majority).count();
        let baseline = hits as f64 / data.y_test.len() as f64;
        line_chart(
            &args.out.join("accuracy_curve.png"),
            "Digits MLP: test accuracy",
            "accuracy",
            &[("test", &self.curve, BLUE)],
        )?;
        heatmap(&args.out.join("confusion_matrix.png"), &self.counts)?;
        save_array(&self.predicted, &args.out, "predictions")?;
        Ok(Report {
            accuracy: accuracy(&self.counts),
            baseline,
            confusion: self.counts,
        })
    }
}

/// The training loop, on whichever Burn line and backend `--backend` names: every epoch the
/// test logits come back as ndarray for the confusion matrix.
fn run(args: &Args) -> Result<Report, BoxError> {
    let data = Data::load(args)?;
    let targets = Targets::Classes(data.y_train.clone());
    let spec = Spec {
        hidden: 64,
        outputs: CLASSES,
        batch: BATCH,
        learning_rate: LEARNING_RATE,
        seed: args.seed,
    };
    let mut trainer = trainer(&args.backend, &data.x_train, &targets, spec)?;
    let mut curves = Curves::new();
    let bar = args.progress();
    bar.set_prefix(format!("classification/{}", args.backend));
    for epoch in 0..args.epochs {
        trainer.epoch(args.seed + epoch as u64)?;
        let logits = trainer.predictor()?.predict(data.x_test.view())?;
        curves.epoch(&data, &logits, &bar);
    }
    bar.finish();
    save_parameters(&trainer.predictor()?.parameters()?, &args.out)?;
    curves.finish(&data, args)
}

fn heatmap(path: &std::path::Path, counts: &Array2<u32>) -> Result<(), BoxError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    register_font();
    const CELL: i32 = 52;
    const LEFT: i32 = 90;
    const TOP: i32 = 60;
    let n = counts.nrows() as i32;
    let size = (LEFT + n * CELL + 20, TOP + n * CELL + 70);
    let root = BitMapBackend::new(path, (size.0 as u32, size.1 as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    let centered = |px: u32| {
        ("sans-serif", px)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center))
    };
    root.draw(&Text::new(
        "Confusion matrix (test set)",
        (size.0 / 2, 25),
        centered(24),
    ))?;
    let max = f64::from(*counts.iter().max().unwrap_or(&1).max(&1));
    for ((actual, pred), &c) in counts.indexed_iter() {
        let (x, y) = (LEFT + pred as i32 * CELL, TOP + actual as i32 * CELL);
        let shade = 1.0 - f64::from(c) / max;
        let color = RGBColor((255.0 * shade) as u8, (255.0 * shade) as u8, 255);
        root.draw(&Rectangle::new(
            [(x, y), (x + CELL, y + CELL)],
            color.filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(x, y), (x + CELL, y + CELL)],
            BLACK.mix(0.2),
        ))?;
        let style = centered(16).color(if shade < 0.5 { &WHITE } else { &BLACK });
        root.draw(&Text::new(
            c.to_string(),
            (x + CELL / 2, y + CELL / 2),
            style,
        ))?;
    }
    for d in 0..n {
        let middle = d * CELL + CELL / 2;
        root.draw(&Text::new(
            d.to_string(),
            (LEFT + middle, TOP + n * CELL + 15),
            centered(16),
        ))?;
        root.draw(&Text::new(
            d.to_string(),
            (LEFT - 15, TOP + middle),
            centered(16),
        ))?;
    }
    root.draw(&Text::new(
        "predicted digit",
        (LEFT + n * CELL / 2, TOP + n * CELL + 45),
        centered(18),
    ))?;
    root.draw(&Text::new("actual", (35, TOP + n * CELL / 2), centered(18)))?;
    root.present()?;
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse(30, "target/examples-out/classification")?;
    let report = run(&args)?;
    println!(
        "digits classification, backend {}, {} epochs, seed {}",
        args.backend, args.epochs, args.seed
    );
    println!("confusion matrix (rows: actual 0-9, columns: predicted 0-9):");
    for row in report.confusion.rows() {
        let cells: Vec<String> = row.iter().map(|c| format!("{c:4}")).collect();
        println!("{}", cells.join(""));
    }
    println!(
        "test accuracy {:.4} (baseline, always the majority class: {:.4})",
        report.accuracy, report.baseline
    );
    println!("outputs in {}", args.out.display());
    if args.check && report.accuracy <= report.baseline {
        return Err("the model does not beat the majority-class baseline".into());
    }
    Ok(())
}
