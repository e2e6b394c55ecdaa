//! Live reload over server-sent events, on the same port as the pages.
//!
//! Each build publishes a new [`Snapshot`]; every open tab holds an event stream and gets one
//! `build` event per snapshot, sent only after the snapshot is in place, so a reload always
//! fetches the new pages. A good build makes the tab reload; a failed one only swaps the overlay,
//! since reloading would show the same old page. The script and overlay are added to HTML
//! responses here, in the server, and never to `build` output.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use futures_util::stream;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::overlay;
use super::state::Snapshot;

/// Where the server's own endpoints live; no disclose output uses this folder.
pub const PREFIX: &str = "/__disclose/";
pub const EVENTS_PATH: &str = "/__disclose/events";
pub const SCRIPT_PATH: &str = "/__disclose/live.js";

/// The browser side: listen, reload on a good build, swap the overlay on a failed one.
/// `since` lets the server send a build that finished between the page load and the connect.
const SCRIPT: &str = r#"(() => {
  const me = document.currentScript;
  let token = me ? me.dataset.token : "";
  const source = new EventSource("/__disclose/events?since=" + encodeURIComponent(token));
  source.addEventListener("build", (event) => {
    const state = JSON.parse(event.data);
    if (state.token === token) return;
    if (state.reload) {
      source.close();
      window.location.reload();
      return;
    }
    token = state.token;
    const holder = document.createElement("div");
    holder.innerHTML = state.overlay;
    const fresh = holder.firstElementChild;
    const old = document.getElementById("disclose-overlay");
    if (old && fresh) old.replaceWith(fresh);
    else if (fresh) document.body.appendChild(fresh);
  });
})();
"#;

/// `GET /__disclose/live.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
}

#[derive(Debug, Deserialize)]
pub struct Since {
    #[serde(default)]
    since: String,
}

/// What a tab is told after each build.
#[derive(Debug, Serialize)]
struct BuildEvent<'a> {
    token: &'a str,
    reload: bool,
    overlay: String,
}

fn event_for(snapshot: &Snapshot) -> Event {
    let payload = BuildEvent {
        token: &snapshot.token,
        reload: !snapshot.failed,
        overlay: overlay::render(snapshot),
    };
    let data = serde_json::to_string(&payload).unwrap_or_else(|_| "{}".into());
    Event::default().event("build").data(data)
}

/// `GET /__disclose/events?since=TOKEN`: one `build` event per snapshot from now on, plus the
/// current one at once if the tab's page is older. The stream ends when the server stops.
pub async fn events(
    State(snapshots): State<watch::Receiver<Arc<Snapshot>>>,
    Query(Since { since }): Query<Since>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut receiver = snapshots.clone();
    let current = Arc::clone(&receiver.borrow_and_update());
    let first = (current.token != since).then_some(current);
    let stream = stream::unfold((receiver, first), |(mut receiver, first)| async move {
        if let Some(snapshot) = first {
            return Some((Ok(event_for(&snapshot)), (receiver, None)));
        }
        receiver.changed().await.ok()?;
        let snapshot = Arc::clone(&receiver.borrow_and_update());
        Some((Ok(event_for(&snapshot)), (receiver, None)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Add the overlay and the live-reload script before `</body>` (or at the end if there is none).
pub fn inject(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let snippet = format!(
        r#"{}<script src="{SCRIPT_PATH}" data-token="{}"></script>"#,
        overlay::render(snapshot),
        overlay::escape(&snapshot.token)
    );
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + snippet.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(snippet.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let snapshot = Snapshot {
            token: "t-1".into(),
            ..Snapshot::default()
        };
        let page = inject(b"<html><body><p>x</p></body></html>", &snapshot);
        let page = String::from_utf8_lossy(&page);
        assert!(page.ends_with(
            r#"<p>x</p><div id="disclose-overlay" hidden></div><script src="/__disclose/live.js" data-token="t-1"></script></body></html>"#
        ));
    }

    #[test]
    fn a_page_without_body_gets_the_script_at_the_end() {
        let page = inject(b"<p>x</p>", &Snapshot::default());
        assert!(String::from_utf8_lossy(&page).ends_with("</script>"));
    }
}
