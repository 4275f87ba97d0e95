//! Shared pieces of the burn-nd example training scripts: command line, data loading, a seeded
//! shuffle, the training loop's steps ([`training`]), metrics computed with `ndarray` on
//! converted tensors, plots and `.npy` output, none of which depends on the Burn release. Only
//! the MLP and the Burn calls of one epoch and one prediction are written per Burn line:
//! [`flex`] on Burn 0.22 (burn-flex, the default), [`burn_0_21`] on Burn 0.21 (generic over
//! the backend, picked at run time by `--backend`).

use std::path::{Path, PathBuf};

use burn_nd::ndarray::{Array1, Array2, Axis};
use plotters::prelude::*;

#[cfg(feature = "burn-0-21")]
pub mod burn_0_21;
#[cfg(feature = "flex-0-22")]
pub mod flex;
pub mod training;

use training::Spec;

/// The regression MLP, as the script and the Python demo train it: hidden layers of 16,
/// mini-batches of 32, Adam at 1e-3; `outputs` values per sample, weights seeded by `seed`.
pub fn regression_spec(outputs: usize, seed: u64) -> Spec {
    Spec {
        hidden: 16,
        outputs,
        batch: 32,
        learning_rate: 1e-3,
        seed,
    }
}

/// Boxed error for the scripts.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Command-line options shared by both scripts.
#[derive(Debug, Clone)]
pub struct Args {
    /// `flex` (Burn 0.22, the default), or on Burn 0.21 `ndarray`, `wgpu` or `tch`: the
    /// backends compiled in.
    pub backend: String,
    /// Training epochs.
    pub epochs: usize,
    /// Seed for weight initialisation and shuffling.
    pub seed: u64,
    /// Folder for the PNG and `.npy` outputs.
    pub out: PathBuf,
    /// Exit with an error unless the model beats the trivial baseline.
    pub check: bool,
    /// Hide the progress bar (for logs).
    pub quiet: bool,
}

impl Args {
    /// Parses `--backend B --epochs N --seed S --out DIR --check --quiet`.
    pub fn parse(default_epochs: usize, default_out: &str) -> Result<Args, BoxError> {
        let mut args = Args {
            backend: default_backend().into(),
            epochs: default_epochs,
            seed: 42,
            out: PathBuf::from(default_out),
            check: false,
            quiet: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--backend" => args.backend = value()?,
                "--epochs" => args.epochs = value()?.parse()?,
                "--seed" => args.seed = value()?.parse()?,
                "--out" => args.out = PathBuf::from(value()?),
                "--check" => args.check = true,
                "--quiet" => args.quiet = true,
                "-h" | "--help" => {
                    println!(
                        "options: --backend flex|ndarray|wgpu|tch  --epochs N  --seed S  --out DIR  --check  --quiet"
                    );
                    std::process::exit(0);
                }
                other => return Err(format!("unknown option {other} (try --help)").into()),
            }
        }
        std::fs::create_dir_all(&args.out)?;
        Ok(args)
    }

    /// A progress bar over the epochs (hidden with `--quiet`).
    pub fn progress(&self) -> indicatif::ProgressBar {
        if self.quiet {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(self.epochs as u64);
        let style =
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} epochs {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar
    }
}

/// The backend `--backend` defaults to: flex where it is compiled in.
fn default_backend() -> &'static str {
    if cfg!(feature = "flex-0-22") {
        "flex"
    } else {
        "ndarray"
    }
}

/// The backends this build can run.
pub fn compiled_backends() -> String {
    let mut names = Vec::new();
    if cfg!(feature = "flex-0-22") {
        names.push("flex");
    }
    if cfg!(feature = "ndarray-0-21") {
        names.push("ndarray");
    }
    if cfg!(feature = "wgpu-0-21") {
        names.push("wgpu");
    }
    if cfg!(feature = "tch-0-21") {
        names.push("tch");
    }
    names.join(", ")
}

/// Reads a numeric CSV (optional header) into rows of f32.
pub fn read_csv(path: &Path) -> Result<Array2<f32>, BoxError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut values = Vec::new();
    let mut cols = 0;
    let mut rows = 0;
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if n == 0 && fields[0].parse::<f32>().is_err() {
            continue; // header
        }
        if cols == 0 {
            cols = fields.len();
        } else if fields.len() != cols {
            return Err(format!(
                "{}:{}: {} fields, expected {cols}",
                path.display(),
                n + 1,
                fields.len()
            )
            .into());
        }
        for f in fields {
            values.push(
                f.trim()
                    .parse::<f32>()
                    .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?,
            );
        }
        rows += 1;
    }
    Ok(Array2::from_shape_vec((rows, cols), values)?)
}

/// The data folder shipped with the examples.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A deterministic permutation of `0..n` (SplitMix64-driven Fisher–Yates).
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    order
}

/// Train/test split of `rows` by a seeded shuffle; `test_fraction` of rows go to test.
pub fn split(rows: &Array2<f32>, seed: u64, test_fraction: f32) -> (Array2<f32>, Array2<f32>) {
    let order = shuffled(rows.nrows(), seed);
    let n_test = (rows.nrows() as f32 * test_fraction).round() as usize;
    let test = rows.select(Axis(0), &order[..n_test]);
    let train = rows.select(Axis(0), &order[n_test..]);
    (train, test)
}

/// Feature standardisation fitted on the training rows.
pub struct Standardizer {
    mean: Array1<f32>,
    std: Array1<f32>,
}

impl Standardizer {
    /// Column means and standard deviations of `x` (a zero deviation becomes 1).
    pub fn fit(x: &Array2<f32>) -> Self {
        let mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        let std = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        Standardizer { mean, std }
    }

    /// `(x - mean) / std`, column by column.
    pub fn apply(&self, x: &Array2<f32>) -> Array2<f32> {
        (x - &self.mean) / &self.std
    }
}

/// The font the charts use, shipped in `assets/` so no system font is needed.
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the shipped font as plotters' `sans-serif` (once).
pub fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Only fails for an invalid font file, which the shipped one is not.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// A line chart of one or more series over epochs.
pub fn line_chart(
    path: &Path,
    title: &str,
    y_label: &str,
    series: &[(&str, &[f64], RGBColor)],
) -> Result<(), BoxError> {
    register_font();
    let root = BitMapBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = series.iter().map(|s| s.1.len()).max().unwrap_or(1).max(2);
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(1f64..n as f64, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc(y_label)
        .draw()?;
    for &(name, values, color) in series {
        let points = values.iter().enumerate().map(|(i, &v)| (i as f64 + 1.0, v));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
