//! Diagnostics: problems found in input, as values. Each has a stable kebab-case code, the
//! place it was found (file, line, column), a message and a hint. Collected, never thrown:
//! every check runs to the end so the user sees all problems at once.

use std::fmt;
use std::sync::Arc;

/// Where something was read: a file, a 1-based line, and a 1-based column when one applies:
/// in a CSV file the field number (as a spreadsheet counts columns), in a TOML file the
/// character on the line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file, as the user named it (relative to the project where possible).
    pub file: Arc<str>,
    /// 1-based line number; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column (CSV field number; character in TOML), if the problem is in one place.
    pub column: Option<usize>,
}

impl Span {
    /// A span for a whole file.
    pub fn file(file: &Arc<str>) -> Self {
        Span {
            file: Arc::clone(file),
            line: 0,
            column: None,
        }
    }
    /// A span for a line.
    pub fn line(file: &Arc<str>, line: u64) -> Self {
        Span {
            file: Arc::clone(file),
            line,
            column: None,
        }
    }
    /// The line and character of byte `offset` of a text file (a TOML file: its columns are
    /// characters); the whole file when `offset` is not a character boundary within it.
    pub fn at_offset(file: &Arc<str>, text: &str, offset: usize) -> Self {
        match text_position(text, offset) {
            Some((line, column)) => Span::line(file, line).at(column),
            None => Span::file(file),
        }
    }
    /// The same line, narrowed to a column.
    pub fn at(&self, column: usize) -> Self {
        Span {
            column: Some(column),
            ..self.clone()
        }
    }
}

/// The 1-based line and 1-based character column of byte `offset` of `text` (lines end at
/// LF; a CR before it is part of the line end), or `None` when `offset` is not a character
/// boundary of `text`.
pub fn text_position(text: &str, offset: usize) -> Option<(u64, usize)> {
    let before = text.get(..offset)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() as u64 + 1;
    Some((line, before[start..].chars().count() + 1))
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, None) => write!(f, "{}:{}", self.file, l),
            (l, Some(c)) => write!(f, "{}:{}:{}", self.file, l, c),
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The row or file cannot be used.
    Error,
    /// Used, but the user should know (e.g. a fallback factor).
    Warning,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case name, e.g. `unknown-unit` (catalogued in README.md).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    pub span: Span,
    /// What is wrong, naming the value and the column.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The offending input line, when there is one.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            span,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }
    /// A warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }
    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Adds an optional hint.
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
    /// Adds the offending input line.
    pub fn with_source(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{level}: {}: {} [{}]",
            self.span, self.message, self.code
        )?;
        if let Some(src) = &self.source_line {
            write!(f, "\n  | {src}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = hint: {h}")?;
        }
        Ok(())
    }
}
