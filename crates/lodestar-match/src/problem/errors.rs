//! What is wrong with a problem file, entry by entry.

use std::fmt;

/// How many errors a [`ProblemErrors`] keeps; a file with more is usually wrong in one
/// systematic way, which the first hundred show.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// One thing wrong with a problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    /// The text is not JSON of the expected shape (serde's message, with its position,
    /// and the entry it is in when it is a shape error rather than a syntax error).
    #[error("{}", describe_json(*.line, *.column, .entry.as_deref(), .message))]
    Json {
        line: usize,
        column: usize,
        /// `pairs[1]`, `mentors[0]`, `min_score`: where a value of the wrong shape is.
        entry: Option<String>,
        message: String,
    },
    /// An entry is well-formed JSON but not acceptable. `entry` names it the way a reader
    /// would find it in the file: `pairs[17]`, `mentors[3]`, `min_score`.
    #[error("{entry}: {message}")]
    Invalid { entry: String, message: String },
}

impl ProblemError {
    pub(crate) fn invalid(entry: impl Into<String>, message: impl Into<String>) -> Self {
        ProblemError::Invalid {
            entry: entry.into(),
            message: message.into(),
        }
    }

    pub(crate) fn json(error: &serde_json::Error, entry: Option<String>) -> Self {
        let (line, column) = (error.line(), error.column());
        let full = error.to_string();
        // serde_json appends the position to its message; it has fields of its own here.
        let message = full
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&full)
            .to_owned();
        ProblemError::Json {
            line,
            column,
            entry,
            message,
        }
    }
}

fn describe_json(line: usize, column: usize, entry: Option<&str>, message: &str) -> String {
    match entry {
        Some(entry) => format!("{entry}: {message} (line {line}, column {column})"),
        None => format!("line {line}, column {column}: {message}"),
    }
}

/// Everything wrong with a problem (the first [`MAX_REPORTED_ERRORS`] of it), so that one
/// round of corrections can fix the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemErrors {
    pub errors: Vec<ProblemError>,
    /// Errors found beyond [`MAX_REPORTED_ERRORS`] and left out.
    pub omitted: usize,
}

impl ProblemErrors {
    pub(crate) fn new() -> Self {
        ProblemErrors {
            errors: Vec::new(),
            omitted: 0,
        }
    }

    pub(crate) fn push(&mut self, error: ProblemError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.omitted += 1;
        }
    }

    pub(crate) fn invalid(&mut self, entry: impl Into<String>, message: impl Into<String>) {
        self.push(ProblemError::invalid(entry, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every error, `omitted` included, as the count a message should give.
    pub fn count(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

impl From<ProblemError> for ProblemErrors {
    fn from(error: ProblemError) -> Self {
        let mut errors = ProblemErrors::new();
        errors.push(error);
        errors
    }
}

impl fmt::Display for ProblemErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count() {
            1 => write!(f, "the problem has an error:")?,
            n => write!(f, "the problem has {n} errors:")?,
        }
        for error in &self.errors {
            write!(f, "\n  {error}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n  … and {} more", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ProblemErrors {}
