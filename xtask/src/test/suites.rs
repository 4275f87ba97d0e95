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
/// A suite needs the [`Backend`] of its name set up (`ndarray`, `wgpu`, `tch`); any other
/// backend is taken as pure Rust (burn-flex): a new one that needs a system library joins
/// [`Backend`] first.
pub(crate) fn suites() -> Result<Vec<Suite>, Error> {
    let root = project_root();
    let examples = features(&root.join("examples/Cargo.toml"))?;
    let mut suites = Vec::new();
    for feature in features(&root.join("tests/Cargo.toml"))? {
        if let Some((backend, line)) = parse_feature(&feature)? {
            let mut suite = Suite {
                needs: Backend::parse(&backend).ok(),
                examples: false,
                backend,
                line,
            };
            suite.examples = examples.contains(&suite.feature());
            suites.push(suite);
        }
    }
    suites.sort_by(|a, b| (version(&a.line), &a.backend).cmp(&(version(&b.line), &b.backend)));
    if suites.is_empty() {
        return Err("tests/Cargo.toml declares no `<backend>-X-Y` feature".into());
    }
    // A suite runs as the tests whose names contain `<backend>::`: no backend's name may end
    // another's (`gpu::` would also run `wgpu::`).
    for a in &suites {
        if let Some(b) = suites
            .iter()
            .find(|b| b.backend != a.backend && b.backend.ends_with(a.backend.as_str()))
        {
            return Err(format!(
                "backend names `{}` and `{}`: the test filter `{}` would run both",
                a.backend,
                b.backend,
                a.filter()
            )
            .into());
        }
    }
    Ok(suites)
}

/// `(backend, "X.Y")` of a feature `<backend>-X-Y` (`None` for a feature of another shape,
/// `burn-X-Y` included); an `Err` for one that ends in `-X-Y` but names no backend the test
/// filter can take (lowercase letters only).
fn parse_feature(feature: &str) -> Result<Option<(String, String)>, Error> {
    let mut parts = feature.rsplitn(3, '-');
    let (Some(minor), Some(major), Some(backend)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(major) || !numeric(minor) || backend == "burn" {
        return Ok(None);
    }
    if backend.is_empty() || !backend.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(format!(
            "tests/Cargo.toml: feature `{feature}` looks like `<backend>-X-Y`, but a backend \
             name is lowercase letters only"
        )
        .into());
    }
    Ok(Some((backend.to_string(), format!("{major}.{minor}"))))
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
        let parsed = |f: &str| parse_feature(f).expect(f);
        assert_eq!(parsed("flex-0-22"), Some(("flex".into(), "0.22".into())));
        assert_eq!(
            parsed("ndarray-0-21"),
            Some(("ndarray".into(), "0.21".into()))
        );
        for other in [
            "burn-0-21",
            "default",
            "flex",
            "flex-0",
            "_flex",
            "flex-0-x",
        ] {
            assert_eq!(parsed(other), None, "{other}");
        }
        for wrong in ["x-y-0-22", "Flex-0-22", "cuda12-0-22", "-0-22"] {
            assert!(parse_feature(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn only_the_features_table_is_read() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\n# a comment = no\ndefault = []\n\
                        flex-0-22 = [\"a\"]\n\n[dependencies]\nwgpu-0-22 = \"1\"\n";
        assert_eq!(feature_names(manifest), ["default", "flex-0-22"]);
    }

    /// What holds for this repository's matrix whatever lines and backends it lists: lines in
    /// order, each with its test binary, the example runs a subset of the suites.
    #[test]
    fn the_manifests_give_a_runnable_matrix() {
        let suites = suites().expect("manifests");
        let lines: Vec<(u32, u32)> = suites.iter().map(|s| version(&s.line)).collect();
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
        for suite in &suites {
            let binary = project_root().join("tests/tests").join(suite.test());
            assert!(binary.join("main.rs").is_file(), "{}", binary.display());
            assert!(
                binary.join(format!("{}.rs", suite.backend)).is_file(),
                "{suite:?}"
            );
        }
        assert!(
            suites.iter().any(|s| s.examples),
            "the scripts run somewhere"
        );
    }
}
