//! Answering requests from the in-memory site.
//!
//! Paths are looked up in the map of rendered files, never joined onto a folder on disk, so no
//! request can reach a file outside the site; `..` and `.` segments (also percent-encoded) are
//! still refused outright so that nothing depends on that alone.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use tokio::sync::watch;

use super::reload::{self, EVENTS_PATH, PREFIX, SCRIPT_PATH};
use super::state::Snapshot;

type Snapshots = watch::Receiver<Arc<Snapshot>>;

/// The preview's routes: the live-reload endpoints, then every page of the site.
pub fn router(snapshots: Snapshots) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(reload::events))
        .route(SCRIPT_PATH, get(reload::script))
        .fallback(page)
        .with_state(snapshots)
}

/// What a path in a `Location` header must encode (non-ASCII is always encoded).
const LOCATION_SET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Where a request path points in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// An output path such as `2023/x/index.html`.
    File(String),
    /// A folder asked for without its trailing slash: redirect, so relative links resolve.
    Folder,
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not UTF-8 after decoding, or holding `..`, `.`, a backslash or a NUL.
    BadPath,
}

/// Decode a request path and turn it into a site path.
pub fn resolve(raw: &str) -> Result<(String, bool), Refused> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Refused::BadPath)?;
    if decoded.contains(['\\', '\0']) {
        return Err(Refused::BadPath);
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Err(Refused::BadPath),
            name => segments.push(name),
        }
    }
    let is_folder = decoded.ends_with('/') || segments.is_empty();
    Ok((segments.join("/"), is_folder))
}

/// Find what a site path names among the rendered files.
fn locate(snapshot: &Snapshot, path: &str, is_folder: bool) -> Option<Target> {
    let index = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}/index.html")
    };
    if is_folder {
        return snapshot
            .files
            .contains_key(&index)
            .then_some(Target::File(index));
    }
    if snapshot.files.contains_key(path) {
        Some(Target::File(path.to_string()))
    } else if snapshot.files.contains_key(&index) {
        Some(Target::Folder)
    } else {
        None
    }
}

async fn page(State(snapshots): State<Snapshots>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "the preview only answers GET\n",
        )
            .into_response();
    }
    let raw = uri.path();
    if raw.starts_with(PREFIX) {
        return not_found(&Arc::clone(&snapshots.borrow()));
    }
    let Ok((path, is_folder)) = resolve(raw) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    let snapshot = settled(snapshots, &path).await;
    if !snapshot.has_site() {
        return html(
            StatusCode::SERVICE_UNAVAILABLE,
            &snapshot,
            NO_SITE_YET.as_bytes(),
        );
    }
    match locate(&snapshot, &path, is_folder) {
        Some(Target::File(file)) => match snapshot.files.get(&file) {
            Some(bytes) => file_response(StatusCode::OK, &snapshot, &file, bytes),
            None => not_found(&snapshot),
        },
        Some(Target::Folder) => {
            // Built from the cleaned path, never the raw one: `//host/x` must not become a
            // redirect to another host.
            let location = format!("/{}/", utf8_percent_encode(&path, LOCATION_SET));
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        None => not_found(&snapshot),
    }
}

/// How long a request for a file still being made waits for it before getting the previous
/// version (a year's workbook takes about a second at 10,000 declarations).
const PENDING_WAIT: Duration = Duration::from_secs(30);

/// The current snapshot, or the first one in which `path` is no longer pending.
async fn settled(mut snapshots: Snapshots, path: &str) -> Arc<Snapshot> {
    let deadline = tokio::time::Instant::now() + PENDING_WAIT;
    loop {
        let snapshot = Arc::clone(&snapshots.borrow_and_update());
        if !snapshot.pending.contains(path) {
            return snapshot;
        }
        match tokio::time::timeout_at(deadline, snapshots.changed()).await {
            Ok(Ok(())) => continue,
            // The server is stopping, or the wait is over: the previous version it is.
            _ => return snapshot,
        }
    }
}

/// Shown (with the overlay) while no build has succeeded yet.
const NO_SITE_YET: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>预览</title></head><body><p>预览：网站尚未能构建。</p></body></html>";

/// The site's own 404 page, with the overlay and live reload like any other page.
fn not_found(snapshot: &Snapshot) -> Response {
    match snapshot.files.get("404.html") {
        Some(bytes) => file_response(StatusCode::NOT_FOUND, snapshot, "404.html", bytes),
        None => html(
            StatusCode::NOT_FOUND,
            snapshot,
            b"<!DOCTYPE html><p>404</p>",
        ),
    }
}

fn html(status: StatusCode, snapshot: &Snapshot, bytes: &[u8]) -> Response {
    file_response(status, snapshot, "page.html", bytes)
}

fn file_response(status: StatusCode, snapshot: &Snapshot, path: &str, bytes: &[u8]) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        reload::inject(bytes, snapshot)
    } else {
        bytes.to_vec()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // A preview must never be cached: the next edit changes every page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The content type for an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("wasm") => "application/wasm",
        None if name == "SHA256SUMS" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_site_paths() {
        assert_eq!(resolve("/"), Ok((String::new(), true)));
        assert_eq!(resolve("/2023/"), Ok(("2023".into(), true)));
        assert_eq!(resolve("/2023"), Ok(("2023".into(), false)));
        assert_eq!(
            resolve("/assets/style.css"),
            Ok(("assets/style.css".into(), false))
        );
        assert_eq!(resolve("/%E5%B9%B4/a.csv"), Ok(("年/a.csv".into(), false)));
    }

    #[test]
    fn traversal_is_refused_in_every_spelling() {
        for raw in [
            "/../etc/passwd",
            "/2023/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc/passwd",
            "/a/./b",
            "/a%5c..%5cb",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(resolve(raw), Err(Refused::BadPath), "{raw}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("2023/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("2023/declarations.csv"),
            "text/csv; charset=utf-8"
        );
        assert_eq!(content_type("2023/datapackage.json"), "application/json");
        assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("assets/favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("SHA256SUMS"), "text/plain; charset=utf-8");
        assert_eq!(content_type("x.bin"), "application/octet-stream");
    }
}
