//! A produced file: where it goes in the output and its bytes.

/// One file of the output, by its `/`-separated path relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}
