//! What the bench measures: a backend on a Burn line, each built as its own `convert` bench
//! binary with one feature of the conformance crate.

use crate::Backend;

/// A backend on a Burn line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Ndarray,
    Wgpu,
    Tch,
    Flex,
    Ndarray022,
    Tch022,
    Wgpu022,
}

impl Subject {
    pub const ALL: [Subject; 7] = [
        Subject::Ndarray,
        Subject::Wgpu,
        Subject::Tch,
        Subject::Flex,
        Subject::Ndarray022,
        Subject::Tch022,
        Subject::Wgpu022,
    ];

    /// The conformance crate's feature that builds it (`<backend>-<line>`).
    pub fn feature(self) -> &'static str {
        match self {
            Subject::Ndarray => "ndarray-0-21",
            Subject::Wgpu => "wgpu-0-21",
            Subject::Tch => "tch-0-21",
            Subject::Flex => "flex-0-22",
            Subject::Ndarray022 => "ndarray-0-22",
            Subject::Tch022 => "tch-0-22",
            Subject::Wgpu022 => "wgpu-0-22",
        }
    }

    /// What prefixes its cases in the bench's output (`<name>/<case>`).
    pub fn name(self) -> &'static str {
        match self {
            Subject::Ndarray => "ndarray",
            Subject::Wgpu => "wgpu",
            Subject::Tch => "tch",
            Subject::Flex => "flex",
            Subject::Ndarray022 => "ndarray-0-22",
            Subject::Tch022 => "tch-0-22",
            Subject::Wgpu022 => "wgpu-0-22",
        }
    }

    /// The Burn line: "0.21" or "0.22".
    pub fn line(self) -> &'static str {
        match self {
            Subject::Ndarray | Subject::Wgpu | Subject::Tch => "0.21",
            _ => "0.22",
        }
    }

    /// What must be installed for it and how it is run (`cargo xtask setup`'s backends);
    /// burn-flex, embedded, needs nothing and counts as burn-ndarray here.
    pub fn backend(self) -> Backend {
        match self {
            Subject::Ndarray | Subject::Ndarray022 | Subject::Flex => Backend::Ndarray,
            Subject::Wgpu | Subject::Wgpu022 => Backend::Wgpu,
            Subject::Tch | Subject::Tch022 => Backend::Tch,
        }
    }

    /// The line's embedded CPU backend, which the cast rounds and peak-memory runs measure.
    pub fn cpu_of(line: &str) -> Subject {
        if line == "0.21" {
            Subject::Ndarray
        } else {
            Subject::Flex
        }
    }
}
