//! Text out of the files a knowledge base takes: plain text and Markdown as they are, HTML as
//! its visible text (scripts, styles and other non-content elements dropped; headings kept
//! as Markdown headings so chunking still sees the structure), PDF by `pdf_oxide` with
//! poppler's `pdftotext` as the fallback, Word (DOCX) as Markdown by `office_oxide`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use scraper::{ElementRef, Html, Node};

/// PDF's media type.
pub const PDF: &str = "application/pdf";
/// Word's (Office Open XML) media type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The media types a text sent as JSON may have.
pub const TEXT_TYPES: [&str; 3] = ["text/plain", "text/markdown", "text/html"];

/// The media types a document may have.
pub const MEDIA_TYPES: [&str; 5] = ["text/plain", "text/markdown", "text/html", PDF, DOCX];

/// Why a file could not be read; the message is shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("{0} files cannot be read")]
    Unsupported(String),
    #[error("the PDF could not be read: {0}")]
    Pdf(String),
    #[error("the Word document could not be read: {0}")]
    Docx(String),
}

/// The media type a file name's extension says (`.txt`, `.md`, `.markdown`, `.html`, `.htm`,
/// `.pdf`, `.docx`, any case), if one of [`MEDIA_TYPES`].
pub fn media_type_of(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "html" | "htm" => "text/html",
        "pdf" => PDF,
        "docx" => DOCX,
        _ => return None,
    })
}

/// Whether `bytes` look like a file of `media_type` at all (a PDF's header, a Word document's
/// `word/document.xml` inside a zip, UTF-8 for text), so a wrong or renamed file is refused at
/// upload, before anything is stored. Errors: [`ExtractError`] saying what is wrong.
pub fn sniff(media_type: &str, bytes: &[u8]) -> Result<(), ExtractError> {
    match media_type {
        PDF if bytes.len() >= 5
            && bytes[..1024.min(bytes.len())]
                .windows(5)
                .any(|w| w == b"%PDF-") =>
        {
            Ok(())
        }
        PDF => Err(ExtractError::Pdf("it does not start like a PDF".into())),
        DOCX => {
            let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| {
                ExtractError::Docx("it is not a zip package, as .docx files are".into())
            })?;
            if archive.index_for_name("word/document.xml").is_some() {
                Ok(())
            } else {
                Err(ExtractError::Docx(
                    "the package holds no word/document.xml; is it another kind of zip?".into(),
                ))
            }
        }
        m if TEXT_TYPES.contains(&m) => std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(|_| ExtractError::NotUtf8),
        other => Err(ExtractError::Unsupported(other.into())),
    }
}

/// The text of `bytes` read as `media_type`. Blocking and CPU-bound for PDF and DOCX: call it
/// off the async threads. A panic inside a parser is caught and reported as an unreadable file.
/// Errors: [`ExtractError`].
pub fn text(media_type: &str, bytes: &[u8]) -> Result<String, ExtractError> {
    match media_type {
        PDF => pdf(bytes),
        DOCX => docx(bytes),
        other => text_or_markup(other, bytes),
    }
}

fn text_or_markup(media_type: &str, bytes: &[u8]) -> Result<String, ExtractError> {
    match media_type {
        "text/plain" | "text/markdown" => utf8(bytes),
        "text/html" => Ok(html(&utf8(bytes)?)),
        other => Err(ExtractError::Unsupported(other.into())),
    }
}

fn pdf(bytes: &[u8]) -> Result<String, ExtractError> {
    let owned = bytes.to_vec();
    let parsed = catch_unwind(AssertUnwindSafe(move || {
        pdf_oxide::PdfDocument::from_bytes(owned).and_then(|d| d.extract_all_text())
    }));
    let first = match parsed {
        Ok(Ok(text)) => return Ok(text),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "the PDF parser failed".to_owned(),
    };
    pdftotext(bytes).ok_or(ExtractError::Pdf(first))
}

/// poppler's `pdftotext` on `bytes`, if it is installed and reads them.
fn pdftotext(bytes: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn docx(bytes: &[u8]) -> Result<String, ExtractError> {
    sniff(DOCX, bytes)?;
    let cursor = std::io::Cursor::new(bytes.to_vec());
    let parsed = catch_unwind(AssertUnwindSafe(move || {
        office_oxide::Document::from_reader(cursor, office_oxide::DocumentFormat::Docx)
            .map(|d| d.to_markdown())
    }));
    match parsed {
        Ok(Ok(markdown)) => Ok(markdown),
        Ok(Err(e)) => Err(ExtractError::Docx(e.to_string())),
        Err(_) => Err(ExtractError::Docx("the Word parser failed".into())),
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
