//! Text out of the files a knowledge base takes: plain text and Markdown as they are, HTML as
//! its visible text (scripts, styles and other non-content elements dropped; headings kept
//! as Markdown headings so chunking still sees the structure).

use scraper::{ElementRef, Html, Node};

/// The media types a document may have.
pub const MEDIA_TYPES: [&str; 3] = ["text/plain", "text/markdown", "text/html"];

/// Why a file could not be read; the message is shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("{0} files cannot be read")]
    Unsupported(String),
}

/// The text of `bytes` read as `media_type`. Errors: [`ExtractError`].
pub fn text(media_type: &str, bytes: &[u8]) -> Result<String, ExtractError> {
    match media_type {
        "text/plain" | "text/markdown" => utf8(bytes),
        "text/html" => Ok(html(&utf8(bytes)?)),
        other => Err(ExtractError::Unsupported(other.into())),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, ExtractError> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(b.to_vec()).map_err(|_| ExtractError::NotUtf8)
}

/// Elements whose content is not text a reader sees.
const SKIPPED: [&str; 9] = [
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
];
/// Elements that break the text into paragraphs.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "blockquote",
    "pre",
    "br",
    "hr",
    "dt",
    "dd",
    "figcaption",
    "title",
];

/// The visible text of an HTML document, paragraphs separated by blank lines.
pub fn html(source: &str) -> String {
    let doc = Html::parse_document(source);
    let mut out = String::new();
    let title_selector = scraper::Selector::parse("head > title").ok();
    if let Some(title) = title_selector.as_ref().and_then(|s| doc.select(s).next()) {
        let t = title.text().collect::<String>();
        if !t.trim().is_empty() {
            out.push_str("# ");
            out.push_str(t.trim());
            out.push_str("\n\n");
        }
    }
    walk(doc.root_element(), &mut out);
    // Runs of blank lines collapse to one; lines lose trailing spaces.
    let mut text = String::new();
    let mut blank = 0;
    for line in out.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        text.push_str(line);
    }
    text
}

fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                let words = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !words.is_empty() {
                    if !out.is_empty()
                        && !out.ends_with(['\n', ' '])
                        && t.starts_with(char::is_whitespace)
                    {
                        out.push(' ');
                    }
                    out.push_str(&words);
                    if t.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
            }
            Node::Element(e) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                let name = e.name();
                if SKIPPED.contains(&name) {
                    continue;
                }
                let level = match name {
                    "h1" => 1,
                    "h2" => 2,
                    "h3" => 3,
                    "h4" => 4,
                    "h5" => 5,
                    "h6" => 6,
                    _ => 0,
                };
                if level > 0 {
                    out.push_str("\n\n");
                    out.push_str(&"#".repeat(level));
                    out.push(' ');
                    walk(child, out);
                    out.push_str("\n\n");
                } else if BLOCKS.contains(&name) {
                    out.push_str("\n\n");
                    walk(child, out);
                    out.push_str("\n\n");
                } else {
                    walk(child, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_keeps_visible_text_and_headings_and_drops_scripts_and_styles() {
        let t = html(
            "<html><head><title>Guide</title><style>p{color:red}</style><script>var x=1;</script></head>
             <body><h2>Getting   started</h2><p>Breathe <b>slowly</b>, then<br>count.</p>
             <noscript>enable JS</noscript><ul><li>One</li><li>Two</li></ul></body></html>",
        );
        assert_eq!(
            t,
            "# Guide\n\n## Getting started\n\nBreathe slowly, then\n\ncount.\n\nOne\n\nTwo"
        );
    }

    #[test]
    fn text_must_be_utf8_and_the_type_known() {
        assert_eq!(text("text/plain", b"\xEF\xBB\xBFhello").unwrap(), "hello");
        assert!(matches!(
            text("text/plain", b"\xff\xfe"),
            Err(ExtractError::NotUtf8)
        ));
        assert!(matches!(
            text("image/png", b"x"),
            Err(ExtractError::Unsupported(_))
        ));
    }
}
