//! The diagnostics overlay drawn over preview pages.
//!
//! The server renders it into every HTML response (so a page loaded while the site is broken
//! shows why), and sends the same markup with each build event (so an open tab updates it in
//! place without reloading a page that would still be the old one). Styles are inline so a
//! site's own stylesheet can neither hide nor restyle it.

use crate::diagnostics::{Diagnostic, Severity};

use super::state::Snapshot;

/// The element's id; the live-reload script replaces the element with this id.
pub const OVERLAY_ID: &str = "disclose-overlay";

const BOX_STYLE: &str = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;\
max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;font:14px/1.5 monospace;\
box-shadow:0 -2px 12px rgba(0,0,0,.4);";
const ERROR_STYLE: &str = "background:#fff0f0;color:#5c0000;border-top:4px solid #c00;";
/// Lets a reader put the overlay away to read what is under it; the next build brings it back.
const CLOSE: &str = r#"<button type="button" onclick="this.parentElement.hidden=true" style="float:right;margin-left:1em;font:inherit;cursor:pointer">关闭</button>"#;
const WARNING_STYLE: &str = "background:#fffbe6;color:#4d3800;border-top:4px solid #d9a400;";

/// The overlay for `snapshot`: hidden when the latest build was clean.
pub fn render(snapshot: &Snapshot) -> String {
    if snapshot.diagnostics.is_empty() {
        return format!(r#"<div id="{OVERLAY_ID}" hidden></div>"#);
    }
    let (colours, heading) = if snapshot.failed {
        let heading = if snapshot.has_site() {
            "构建失败：仍显示上一次成功构建的页面。修正下列问题并保存后，页面会自动刷新。"
        } else {
            "构建失败：还没有可以显示的页面。修正下列问题并保存后，页面会自动刷新。"
        };
        (ERROR_STYLE, heading)
    } else {
        (WARNING_STYLE, "警告（不影响发布，建议修正）：")
    };
    let mut html = format!(
        r#"<div id="{OVERLAY_ID}" role="alert" data-failed="{}" style="{BOX_STYLE}{colours}">{CLOSE}<p style="margin:0 0 .5em;font-weight:bold">{heading}</p><ul style="margin:0;padding-left:1.2em">"#,
        snapshot.failed
    );
    for diagnostic in &snapshot.diagnostics {
        html.push_str(&item(diagnostic));
    }
    html.push_str("</ul></div>");
    html
}

/// One diagnostic in the terminal's exact wording (`file:line:col: error: field: message`).
fn item(diagnostic: &Diagnostic) -> String {
    let weight = match diagnostic.severity {
        Severity::Error => "font-weight:bold",
        Severity::Warning => "font-weight:normal",
    };
    format!(
        r#"<li class="disclose-{}" style="{weight};white-space:pre-wrap">{}</li>"#,
        diagnostic.severity,
        escape(&diagnostic.to_string())
    )
}

/// Escape text for HTML element content and attribute values: the same escaping the templates use.
pub use crate::render::templates::escape_html as escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_build_has_a_hidden_overlay() {
        let html = render(&Snapshot::default());
        assert_eq!(html, r#"<div id="disclose-overlay" hidden></div>"#);
    }

    #[test]
    fn diagnostics_are_escaped_and_keep_their_location() {
        let snapshot = Snapshot {
            failed: true,
            diagnostics: vec![
                Diagnostic::error("content/2023/a.toml", "name", "<script>\"x\"</script>")
                    .at_position(Some(crate::diagnostics::Position { line: 3, column: 8 })),
            ],
            ..Snapshot::default()
        };
        let html = render(&snapshot);
        assert!(html.contains(
            "content/2023/a.toml:3:8: error: name: &lt;script&gt;&quot;x&quot;&lt;/script&gt;"
        ));
        assert!(!html.contains("<script>"));
        assert!(html.contains("构建失败"));
    }
}
