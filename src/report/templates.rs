//! The HTML and Markdown templates: built in (`templates/*.j2`, compiled into the binary) or a
//! user's own from `--template DIR`.
//!
//! Templates are minijinja. `report.html.j2` is HTML-escaped automatically (minijinja picks the
//! escaping from the extension before `.j2`), so document text can never become markup;
//! `report.md.j2` is not, and escapes document text with the `md` filter instead. Both receive a
//! [`View`] as context.

use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior};

use super::view::View;

/// Name of the HTML template (built in, or in `--template DIR`).
pub const HTML: &str = "report.html.j2";
/// Name of the Markdown template (built in, or in `--template DIR`).
pub const MARKDOWN: &str = "report.md.j2";

const BUILTIN_HTML: &str = include_str!("templates/report.html.j2");
const BUILTIN_MARKDOWN: &str = include_str!("templates/report.md.j2");

/// A template folder that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The folder or a file in it could not be read.
    #[error("could not read the template {}: {source}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The folder has neither template.
    #[error("the folder {} has neither {HTML} nor {MARKDOWN}; put at least one of them there", .0.display())]
    Empty(PathBuf),
    /// A template has a syntax error.
    #[error("the template {} has an error: {message}", path.display())]
    Syntax {
        /// The template file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
}

/// The templates used for HTML and Markdown.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::builtin()
    }
}

impl Templates {
    /// The templates compiled into the binary.
    pub fn builtin() -> Templates {
        let mut env = environment();
        // The built-in templates are tested; a syntax error in them fails every report test.
        let _ = env.add_template(HTML, BUILTIN_HTML);
        let _ = env.add_template(MARKDOWN, BUILTIN_MARKDOWN);
        Templates { env }
    }

    /// The built-in templates, with `report.html.j2` and/or `report.md.j2` from `dir` in their
    /// place. Fails when the folder cannot be read, holds neither file, or a template does not
    /// compile, so a broken template is found before any document is read.
    pub fn from_dir(dir: &Path) -> Result<Templates, TemplateError> {
        let meta = std::fs::metadata(dir).map_err(|source| TemplateError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(TemplateError::Read {
                path: dir.to_path_buf(),
                source: std::io::Error::other("not a folder"),
            });
        }
        let mut env = environment();
        let mut found = false;
        for (name, builtin) in [(HTML, BUILTIN_HTML), (MARKDOWN, BUILTIN_MARKDOWN)] {
            let path = dir.join(name);
            let source = match std::fs::read_to_string(&path) {
                Ok(s) => {
                    found = true;
                    s
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => builtin.to_string(),
                Err(source) => return Err(TemplateError::Read { path, source }),
            };
            env.add_template_owned(name, source)
                .map_err(|e| TemplateError::Syntax {
                    path,
                    message: describe(&e),
                })?;
        }
        if !found {
            return Err(TemplateError::Empty(dir.to_path_buf()));
        }
        Ok(Templates { env })
    }

    /// Renders the HTML report.
    pub fn render_html(&self, view: &View<'_>) -> Result<String, String> {
        self.render(HTML, view)
    }

    /// Renders the Markdown report.
    pub fn render_markdown(&self, view: &View<'_>) -> Result<String, String> {
        self.render(MARKDOWN, view)
    }

    fn render(&self, name: &str, view: &View<'_>) -> Result<String, String> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(Serde(view)))
            .map_err(|e| format!("the report template {name} failed: {}", describe(&e)))
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Block tags on lines of their own leave no blank lines behind. The configuration is fixed
    // and valid; should building it ever fail, the default syntax still renders correctly.
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_filter("md", markdown_escape);
    env.add_filter("code", code_span);
    env.add_filter("label", label);
    env
}

/// The error with its line, for a person fixing their template.
fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("{e} (line {line})"),
        None => e.to_string(),
    }
}

/// Document text made inert inside Markdown: on one line, with the characters Markdown (and
/// GitHub: `@` mentions, raw HTML) would interpret escaped.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("&#64;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Text (a file path) made safe inside a Markdown code span: backticks, which would end the
/// span, become apostrophes, and line breaks and other control characters, which could end the
/// line and start raw HTML after it, become spaces.
pub fn code_span(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A machine value as a reader's label: "not-in-register" -> "not in register".
fn label(value: &str) -> String {
    value.replace(['-', '_'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_makes_markup_inert() {
        assert_eq!(
            markdown_escape("<script>x</script> | *a* @bob\n[l](u)"),
            "&lt;script&gt;x&lt;/script&gt; \\| \\*a\\* &#64;bob \\[l\\](u)"
        );
    }

    #[test]
    fn code_spans_stay_on_one_line() {
        assert_eq!(
            code_span("a`b\n\n<img src=x>\r\u{1b}[0m.md"),
            "a'b  <img src=x>  [0m.md"
        );
    }

    #[test]
    fn builtin_templates_compile() {
        let t = Templates::builtin();
        assert!(t.env.get_template(HTML).is_ok());
        assert!(t.env.get_template(MARKDOWN).is_ok());
    }
}
