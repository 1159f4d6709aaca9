//! A file download (an export), as the API and the web UI both answer it.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `d` as an attachment: its content type and `Content-Disposition: attachment; filename=…`
/// (file names are built from slugs and dates, so need no quoting beyond the quotes).
pub fn attachment(d: wisdomos_app::export::Download) -> Response {
    (
        [
            (header::CONTENT_TYPE, d.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", d.file_name),
            ),
        ],
        d.body,
    )
        .into_response()
}
