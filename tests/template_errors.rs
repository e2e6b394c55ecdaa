//! A site's template that compiles but fails while rendering (an undefined variable, a filter
//! used wrongly or not at all) names the template file and the line of the culprit, with Tera's
//! whole cause chain, in `check`, `build` and the `serve` overlay.

mod common;
mod serve_fixture;

use common::Site;

/// Line 3 uses a field the declaration does not have.
const UNDEFINED: &str = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ declaration.nmae }}</h1>\n{% endblock content %}\n";

/// Line 4 applies `round` to text.
const BAD_FILTER: &str = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ year.year }}</h1>\n<p>{{ site.title | round }}</p>\n{% endblock content %}\n";

/// Line 2 calls a filter that does not exist.
const NO_SUCH_FILTER: &str = "{% extends \"base.html\" %}\n{% block content %}{{ site.title | shout }}{% endblock content %}\n";

#[test]
fn check_names_the_file_and_line_of_an_undefined_variable() {
    let site = Site::new();
    site.write("templates/declaration.html", UNDEFINED);
    let run = site.run(&["check"]);
    run.assert_failed();
    assert!(
        run.stderr.contains(
            "templates/declaration.html:3:8: error: rendering 2023/alpha/index.html and 1 other page failed the same way: Failed to render 'declaration.html': Variable `declaration.nmae` not found in context while rendering 'declaration.html'"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn an_error_on_every_declaration_page_is_reported_once_with_a_count() {
    let site = Site::new();
    site.write("templates/declaration.html", UNDEFINED);
    for copy in ["gamma", "delta"] {
        let alpha = std::fs::read_to_string(site.root().join("content/2023/alpha.toml"))
            .expect("the fixture's alpha declaration");
        let renamed = alpha.replacen("甲项目", &format!("甲项目（{copy}）"), 1);
        site.write(&format!("content/2023/{copy}.toml"), &renamed);
    }
    let pages = std::fs::read_dir(site.root().join("content/2023"))
        .expect("content/2023")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "toml"))
        })
        .count();
    assert!(pages > 1, "the fixture has several declarations");
    let run = site.run(&["check"]);
    run.assert_failed();
    let others = pages - 1;
    let expected = format!(
        "templates/declaration.html:3:8: error: rendering 2023/alpha/index.html and {others} other pages failed the same way: Failed to render 'declaration.html': Variable `declaration.nmae` not found"
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("declaration.nmae").count(),
        1,
        "one line, not one per page: {}",
        run.stderr
    );
}

#[test]
fn build_names_the_file_line_and_cause_of_a_bad_filter() {
    let site = Site::new();
    site.run(&["build"]).assert_ok();
    let before = common::tree(&site.public());
    site.write("templates/year.html", BAD_FILTER);
    let run = site.run(&["build"]);
    run.assert_failed();
    // The whole chain: which template, which filter, and why it failed.
    assert!(
        run.stderr.contains(
            "templates/year.html:4:20: error: rendering 2023/index.html failed: Failed to render 'year.html': Filter call 'round' failed: Filter `round` was called on an incorrect value"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        common::tree(&site.public()),
        before,
        "the old output is kept"
    );
}

#[test]
fn build_names_the_file_and_line_of_a_filter_that_does_not_exist() {
    let site = Site::new();
    site.write("templates/index.html", NO_SUCH_FILTER);
    let run = site.run(&["build"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("templates/index.html:2:36: error: ") && run.stderr.contains("shout"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_error_in_the_sites_base_template_names_the_base() {
    let site = Site::new();
    // The site's base uses a variable no page has; every page extends it.
    site.write(
        "templates/base.html",
        "<!doctype html>\n<html><body>\n{% block content %}{% endblock content %}\n{{ footer_text }}\n</body></html>\n",
    );
    let run = site.run(&["check"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("templates/base.html:4:4: error: ")
            && run.stderr.contains("Variable `footer_text` not found"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_serve_overlay_names_the_file_and_line() {
    use serve_fixture::wait_for;
    let site = serve_fixture::Site::new();
    let server = site.serve();
    site.write("templates/declaration.html", UNDEFINED);
    let page = wait_for(&server, "/2023/alpha/", "the rendering error", |got| {
        got.body.contains(r#"data-failed="true""#)
    });
    assert!(
        page.body.contains(
            "templates/declaration.html:3:8: error: rendering 2023/alpha/index.html failed: Failed to render &#x27;declaration.html&#x27;: Variable `declaration.nmae` not found"
        ),
        "{}",
        page.body
    );
}
