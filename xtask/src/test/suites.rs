//! What the conformance matrix runs, read from the manifests: every feature `<backend>-X-Y` of
//! the conformance crate (`tests/Cargo.toml`, the one list) is one backend on Burn line `X.Y`,
//! whose tests are the `<backend>::` modules of the line's test binary `tests/burn_X_Y/`.
//! The example scripts run where `examples/Cargo.toml` has the same feature.

use std::path::Path;

use crate::{project_root, Backend, Error};

/// One backend on one Burn line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Suite {
    /// The backend, as `--backend` and the example scripts name it (`flex`, `ndarray`, ...).
    pub(crate) backend: String,
    /// The Burn line, `X.Y`.
    pub(crate) line: String,
    /// What must be installed first (`None`: pure Rust, always run).
    pub(crate) needs: Option<Backend>,
    /// Whether the example scripts run on it (burn-nd-examples has its feature).
    pub(crate) examples: bool,
}

impl Suite {
    /// The feature of the conformance crate (and of burn-nd-examples) that builds it.
    pub(crate) fn feature(&self) -> String {
        format!("{}-{}", self.backend, self.line.replace('.', "-"))
    }

    /// The line's test binary in `tests/tests/`.
    pub(crate) fn test(&self) -> String {
        format!("burn_{}", self.line.replace('.', "_"))
    }

    /// The test filter that runs this backend's modules of [`Suite::test`].
    pub(crate) fn filter(&self) -> String {
        format!("{}::", self.backend)
    }

    /// Whether its backends are built one at a time: on Burn 0.21 a backend is a type, and
    /// each suite is its own build; later lines put backends behind one runtime `Device`,
    /// so one build serves them all.
    pub(crate) fn built_alone(&self) -> bool {
        self.line == "0.21"
    }

    /// Whether it can run with the backends set up here.
    pub(crate) fn usable(&self, usable: &[Backend]) -> bool {
        self.needs.is_none_or(|b| usable.contains(&b))
    }
}

/// Every suite the manifests declare, oldest line first, each line's backends in name order.
pub(crate) fn suites() -> Result<Vec<Suite>, Error> {
    let root = project_root();
    let examples = features(&root.join("examples/Cargo.toml"))?;
    let mut suites: Vec<Suite> = features(&root.join("tests/Cargo.toml"))?
        .iter()
        .filter_map(|feature| parse_feature(feature))
        .map(|(backend, line)| Suite {
            needs: Backend::parse(&backend).ok(),
            examples: false,
            backend,
            line,
        })
        .collect();
    for suite in &mut suites {
        suite.examples = examples.contains(&suite.feature());
    }
    suites.sort_by(|a, b| (version(&a.line), &a.backend).cmp(&(version(&b.line), &b.backend)));
    if suites.is_empty() {
        return Err("tests/Cargo.toml declares no `<backend>-X-Y` feature".into());
    }
    Ok(suites)
}

/// `(backend, "X.Y")` of a feature `<backend>-X-Y`; `None` for any other feature.
fn parse_feature(feature: &str) -> Option<(String, String)> {
    let mut parts = feature.rsplitn(3, '-');
    let (minor, major, backend) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let named = !backend.is_empty() && backend.bytes().all(|b| b.is_ascii_lowercase());
    (numeric(major) && numeric(minor) && named && backend != "burn")
        .then(|| (backend.to_string(), format!("{major}.{minor}")))
}

/// A line `X.Y` as numbers, for ordering (`0.9` before `0.21`).
fn version(line: &str) -> (u32, u32) {
    let mut parts = line.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The names in the `[features]` table of the manifest at `path`.
fn features(path: &Path) -> Result<Vec<String>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(feature_names(&text))
}

/// The keys of the `[features]` table in a manifest's text (one `name = [...]` a line).
fn feature_names(manifest: &str) -> Vec<String> {
    let mut in_features = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_features = line == "[features]";
        } else if let Some((key, _)) = line.split_once('=').filter(|_| in_features) {
            let key = key.trim();
            if !key.is_empty() && !key.starts_with('#') {
                names.push(key.to_string());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_name_a_backend_and_a_line() {
        assert_eq!(
            parse_feature("flex-0-22"),
            Some(("flex".into(), "0.22".into()))
        );
        assert_eq!(
            parse_feature("ndarray-0-21"),
            Some(("ndarray".into(), "0.21".into()))
        );
        for other in [
            "burn-0-21",
            "default",
            "flex",
            "flex-0",
            "x-y-0-22",
            "Flex-0-22",
        ] {
            assert_eq!(parse_feature(other), None, "{other}");
        }
    }

    #[test]
    fn only_the_features_table_is_read() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\n# a comment = no\ndefault = []\n\
                        flex-0-22 = [\"a\"]\n\n[dependencies]\nwgpu-0-22 = \"1\"\n";
        assert_eq!(feature_names(manifest), ["default", "flex-0-22"]);
    }

    /// The matrix of this repository: both lines, every backend, 0.21 first.
    #[test]
    fn the_repository_declares_both_lines() {
        let suites = suites().expect("manifests");
        let names: Vec<String> = suites.iter().map(Suite::feature).collect();
        assert_eq!(
            names,
            [
                "flex-0-21",
                "ndarray-0-21",
                "tch-0-21",
                "wgpu-0-21",
                "flex-0-22",
                "ndarray-0-22",
                "tch-0-22",
                "wgpu-0-22"
            ]
        );
        let with_examples: Vec<String> = suites
            .iter()
            .filter(|s| s.examples)
            .map(Suite::feature)
            .collect();
        assert_eq!(
            with_examples,
            ["ndarray-0-21", "tch-0-21", "wgpu-0-21", "flex-0-22"]
        );
        assert_eq!(suites[0].test(), "burn_0_21");
        assert!(suites[0].built_alone() && !suites[4].built_alone());
    }
}
