#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Knowledge documents uploaded as files (multipart): a Word document and a PDF made here,
//! byte for byte as their formats say, read in and found; a zip renamed .docx and a file of an
//! unknown kind refused at once with nothing stored; a PDF whose body is broken fails with a
//! reason and leaves no passage.

mod common;

use std::io::Write;

use common::{code, fields, Account, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A minimal Word document: the parts Office Open XML requires and paragraphs of `text`.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned()),
        ("word/document.xml", format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
            paragraphs.iter().map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>")).collect::<String>()
        )),
    ];
    for (name, body) in files {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// A one-page PDF 1.4 showing `line` in Helvetica, with a correct cross-reference table.
fn pdf(line: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

async fn upload(
    app: &TestApp,
    a: &Account,
    name: &str,
    ctype: Option<&str>,
    bytes: &[u8],
) -> (StatusCode, Value) {
    app.post_form(
        "/api/v1/knowledge/documents",
        &a.access,
        &[
            ("file", Some(name), ctype, bytes),
            ("tags", None, None, b"guides, onboarding"),
        ],
    )
    .await
}

async fn ready(app: &TestApp, a: &Account, d: &Value) -> Value {
    let (s, p) = app
        .post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    app.get(
        &format!("/api/v1/knowledge/documents/{}", d["id"].as_str().unwrap()),
        &a.access,
    )
    .await
    .1
}

async fn lexical(app: &TestApp, a: &Account, q: &str) -> Vec<String> {
    let (_, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": q, "mode": "lexical" }),
        )
        .await;
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn word_and_pdf_files_are_read_in_and_found() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, d) = upload(
        &app,
        &a,
        "Welcome pack.docx",
        Some(DOCX),
        &docx(&[
            "Welcome aboard.",
            "Every newcomer meets a buddy on the first morning.",
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    assert_eq!(
        (
            d["title"].as_str(),
            d["sourceFilename"].as_str(),
            d["mediaType"].as_str()
        ),
        (Some("Welcome pack"), Some("Welcome pack.docx"), Some(DOCX))
    );
    assert_eq!(d["tags"], json!(["guides", "onboarding"]));
    let d = ready(&app, &a, &d).await;
    assert_eq!(d["status"], "ready", "{d}");
    assert_eq!(lexical(&app, &a, "buddy newcomer").await, ["Welcome pack"]);

    // No content type: the name's extension says PDF.
    let (s, p) = upload(
        &app,
        &a,
        "breathing.pdf",
        None,
        &pdf("Slow breathing calms the nervous system."),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{p}");
    assert_eq!(p["mediaType"], "application/pdf");
    let p = ready(&app, &a, &p).await;
    assert_eq!(
        (p["status"].as_str(), p["chunks"].as_i64()),
        (Some("ready"), Some(1)),
        "{p}"
    );
    assert_eq!(lexical(&app, &a, "nervous system").await, ["breathing"]);

    // The same bytes again are the same document.
    let (s, again) = upload(
        &app,
        &a,
        "copy.pdf",
        None,
        &pdf("Slow breathing calms the nervous system."),
    )
    .await;
    assert_eq!((s, &again["id"]), (StatusCode::OK, &p["id"]));
}

#[tokio::test]
async fn wrong_files_are_refused_at_once_and_broken_ones_fail_with_a_reason() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    // A zip that is not a Word document, named .docx.
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"just a zip").unwrap();
    z.finish().unwrap();
    let (s, v) = upload(&app, &a, "notes.docx", None, &buf.into_inner()).await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["file"]),
        "{v}"
    );
    assert_eq!(
        v["error"]["details"]["fields"][0]["code"],
        "unreadable_file"
    );
    assert!(
        v["error"]["details"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("word/document.xml"),
        "{v}"
    );
    // Not a PDF at all, and a kind WisdomOS does not read.
    let (s, v) = upload(&app, &a, "scan.pdf", None, b"GIF89a....").await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unreadable_file"))
    );
    let (s, v) = upload(&app, &a, "photo.png", Some("image/png"), b"\x89PNG").await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("unsupported_media_type")
        )
    );
    let (s, v) = app
        .post_form(
            "/api/v1/knowledge/documents",
            &a.access,
            &[("title", None, None, b"no file")],
        )
        .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["file"])
    );
    let (_, list) = app.get("/api/v1/knowledge/documents", &a.access).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing was stored: {list}"
    );

    // A PDF header over a broken body passes the first look, then fails with a reason.
    let (s, d) = upload(
        &app,
        &a,
        "broken.pdf",
        None,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntruncated",
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    let d = ready(&app, &a, &d).await;
    assert_eq!(
        (d["status"].as_str(), d["chunks"].as_i64()),
        (Some("failed"), Some(0)),
        "{d}"
    );
    assert!(!d["error"].as_str().unwrap().is_empty());
    // A JSON text cannot claim to be a PDF.
    let (s, v) = app
        .post(
            "/api/v1/knowledge/documents",
            Some(&a.access),
            json!({ "title": "x", "content": "y", "mediaType": "application/pdf" }),
        )
        .await;
    assert_eq!(
        (s, code(&v), fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            vec!["mediaType"]
        )
    );
}
