//! The programs `cargo xtask test-backends` runs as a user would: the example training
//! scripts, and the README's quick starts as fresh projects outside the workspace.

use std::process::Command;

use crate::{cargo, project_root, Error};

/// Both example scripts on `backend`, built with burn-nd-examples' `feature`, with `--check`
/// and the epochs given for (regression, classification).
pub(crate) fn example_runs(
    backend: &str,
    feature: &str,
    epochs: (&str, &str),
) -> Vec<(&'static str, Command)> {
    [("regression", epochs.0), ("classification", epochs.1)]
        .into_iter()
        .map(|(script, epochs)| {
            let mut cmd = cargo();
            // The dev profile shares its dependency builds with the test runs above.
            cmd.args(["run", "-p", "burn-nd-examples", "--no-default-features"])
                .args(["--features", feature, "--bin", script, "--"])
                .args([
                    "--backend",
                    backend,
                    "--quiet",
                    "--check",
                    "--epochs",
                    epochs,
                ])
                .arg("--out")
                .arg(
                    project_root()
                        .join("target/examples-out")
                        .join(feature)
                        .join(script),
                );
            (script, cmd)
        })
        .collect()
}

/// The README quick starts checked outside the workspace: the Burn line, the project's
/// dependencies (`{root}` is the checkout) and the fence that opens its block in README.md.
pub(crate) const QUICK_STARTS: [(&str, &str, &str); 2] = [
    (
        "0.22",
        "burn = { version = \"=0.22.1\", features = [\"flex\"] }\n\
         burn-nd = { path = \"{root}/crates/burn-nd\" }\n",
        "## Quick start",
    ),
    (
        "0.21",
        "burn = \"=0.21.0\"\nburn-ndarray = \"=0.21.0\"\n\
         burn-nd = { path = \"{root}/crates/burn-nd\", default-features = false, \
         features = [\"burn-0-21\"] }\n",
        "On Burn 0.21 the same program reads:",
    ),
];

/// A fresh project under `target/readme-projects/<line>` whose `main` is the first Rust block
/// after `marker` in README.md, and the `cargo run` that builds and runs it. It starts from
/// the workspace's lockfile so it builds the same dependency versions (sharing their builds
/// when `CARGO_TARGET_DIR` is shared).
pub(crate) fn quick_start_project(
    line: &str,
    manifest: &str,
    marker: &str,
) -> Result<Command, Error> {
    let root = project_root();
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let after = readme
        .split_once(marker)
        .ok_or_else(|| format!("README.md has no `{marker}`"))?
        .1;
    let code = after
        .split_once("```rust")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .ok_or("no Rust block after it")?
        .0;
    // Doctest conventions: `# ` lines are hidden lines; the last one returns the `Result`.
    let body: String = code
        .lines()
        .filter(|l| !l.starts_with("# Ok::"))
        .map(|l| format!("    {}\n", l.strip_prefix("# ").unwrap_or(l)))
        .collect();
    let dir = root
        .join("target/readme-projects")
        .join(line.replace('.', "-"));
    std::fs::create_dir_all(dir.join("src"))?;
    let deps = manifest.replace("{root}", &root.display().to_string());
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-quick-start\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{deps}\n# Not part of the burn-nd workspace.\n\
             [workspace]\n"
        ),
    )?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!("fn main() -> Result<(), burn_nd::Error> {{\n{body}    Ok(())\n}}\n"),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut cmd = cargo();
    cmd.current_dir(&dir).args(["run", "--quiet"]);
    Ok(cmd)
}
