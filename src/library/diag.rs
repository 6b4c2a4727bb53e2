//! Problems found in the clause library's files: one [`Diagnostic`] per problem, with the file
//! and, where the problem sits at a place in it, the line and column, as cargo-deny reports the
//! problems of its configuration. They are rendered to plain English here and nowhere else:
//! `FILE:LINE: message`, one a line.

use std::fmt;

/// Where in a file a problem is: 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl Span {
    /// The line and column of a byte offset in a source text (the end when past it).
    pub fn of(source: &str, offset: usize) -> Span {
        let before = source.get(..offset.min(source.len())).unwrap_or(source);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Span {
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
        }
    }
}

/// One problem in a library file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (`my-rules/rules.toml`), or `None` for a problem of the
    /// library as a whole.
    pub file: Option<String>,
    /// Where in the file, when the problem is at one place.
    pub span: Option<Span>,
    /// What is wrong and what to do, in plain English.
    pub message: String,
}

impl Diagnostic {
    /// A problem at a byte offset of a file's source.
    pub fn at(file: &str, source: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: Some(file.to_string()),
            span: Some(Span::of(source, offset)),
            message: message.into(),
        }
    }

    /// A problem on a known line of a file (the column unknown, given as 1).
    pub fn on_line(file: &str, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: Some(file.to_string()),
            span: Some(Span { line, column: 1 }),
            message: message.into(),
        }
    }

    /// A problem of a whole file.
    pub fn in_file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: Some(file.to_string()),
            span: None,
            message: message.into(),
        }
    }

    /// A problem of the library as a whole.
    pub fn general(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: None,
            span: None,
            message: message.into(),
        }
    }

    /// A TOML syntax or schema error, at the place the parser points to (line 1 when it names
    /// none).
    pub fn toml(file: &str, source: &str, error: &toml::de::Error) -> Diagnostic {
        let message = error.message().trim().replace('\n', " ");
        match error.span() {
            Some(span) => Diagnostic::at(file, source, span.start, message),
            None => Diagnostic::on_line(file, 1, message),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.span) {
            (Some(file), Some(span)) => write!(f, "{file}:{}: {}", span.line, self.message),
            (Some(file), None) => write!(f, "{file}: {}", self.message),
            (None, _) => f.write_str(&self.message),
        }
    }
}

/// Diagnostics one a line, as the error messages show them.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_lines_and_characters() {
        let src = "a = 1\n£é = \"x\"\n";
        assert_eq!(Span::of(src, 0), Span { line: 1, column: 1 });
        let at = src.rfind('=').unwrap_or_default();
        assert_eq!(Span::of(src, at), Span { line: 2, column: 4 });
        assert_eq!(Span::of(src, 10_000), Span { line: 3, column: 1 });
    }

    #[test]
    fn rendered_as_file_line_message() {
        let d = vec![
            Diagnostic::at("r.toml", "x\ny", 2, "bad term"),
            Diagnostic::in_file("library.toml", "no name"),
            Diagnostic::general("too many terms"),
        ];
        assert_eq!(
            render(&d),
            "r.toml:2: bad term\nlibrary.toml: no name\ntoo many terms"
        );
    }
}
