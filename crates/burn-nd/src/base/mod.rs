//! The Burn-version-free half of burn-nd: dtypes and NumPy's casting rules, element types and
//! their cast loops, [`DynArray`](crate::DynArray), the errors, and the `.npy` / `.npz` codec.
//!
//! Nothing under this module names a Burn crate (a unit test reads these files and fails if
//! one does), so each Burn release line plugs in beside it, converting its own `DType`, data
//! and tensors to and from what is here, and none of this is written twice.

#[macro_use]
pub(crate) mod dtype;
#[macro_use]
pub(crate) mod dynarray;
#[macro_use]
pub(crate) mod array;
pub(crate) mod casting;
pub(crate) mod element;
pub(crate) mod error;
pub(crate) mod fast;
pub(crate) mod from;
pub(crate) mod host;
#[macro_use]
pub(crate) mod module;
#[cfg(feature = "npy")]
pub(crate) mod npy;
pub(crate) mod rank;
pub(crate) mod readback;
pub(crate) mod to;

#[cfg(test)]
mod tests {
    /// Every file of this module tree, with its contents.
    fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }

    /// The line-free half names no Burn crate in a path outside comments (doc examples may
    /// show how a Burn user calls it), so it compiles unchanged beside any Burn release line.
    #[test]
    #[cfg_attr(miri, ignore = "reads source files; no unsafe code to check")]
    fn no_burn_crate_is_named_here() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/base");
        let mut files = Vec::new();
        sources(&dir, &mut files);
        assert!(files.len() >= 10, "found only {} files", files.len());
        let mut offenders = Vec::new();
        for (path, text) in &files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // A path through a Burn crate: `burn::…`, `burn_tensor::…`, but not `burn_nd::…`.
                let parts: Vec<&str> = code.split("::").collect();
                let names_burn = parts[..parts.len() - 1].iter().any(|before| {
                    let crate_name = before
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("");
                    crate_name == "burn"
                        || (crate_name.starts_with("burn_") && crate_name != "burn_nd")
                });
                if names_burn {
                    offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
        assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    }
}
