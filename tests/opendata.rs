//! Open data, feed, sitemap and search index of a real fixture site built in-process: exact CSV
//! bytes and sums, the data package checked by the Frictionless validator, XML parsed against
//! its namespaces, and two builds compared byte for byte.

mod fixture;

use std::collections::BTreeMap;

use disclose::build::{BuildOptions, build, render_to_memory};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use rust_decimal::Decimal;

fn built() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().expect("temp dir");
    fixture::write_site(dir.path());
    let rendered = render_to_memory(&BuildOptions::new(dir.path())).expect("fixture builds");
    let files = rendered
        .files
        .into_iter()
        .map(|file| (file.path, file.bytes))
        .collect();
    (dir, files)
}

fn text<'a>(files: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is missing"));
    std::str::from_utf8(bytes).expect("UTF-8")
}

/// Rows of a CSV file (after its BOM), header first.
fn rows(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Vec<Vec<String>> {
    let body = text(files, path)
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{path} has no BOM"));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("valid CSV")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let index = rows[0]
        .iter()
        .position(|header| header == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|row| row[index].as_str()).collect()
}

#[test]
fn declarations_csv_has_exact_amounts_in_yuan_and_survives_hostile_text() {
    let (_dir, files) = built();
    let table = rows(&files, "2023/declarations.csv");
    assert_eq!(
        table.len(),
        5,
        "header + 4 published (the draft is left out)"
    );
    assert_eq!(
        column(&table, "slug"),
        ["ke-pu", "stem", "wan-yuan", "xue-shu"]
    );
    let annual = column(&table, "annual");
    assert_eq!(annual, ["300000.00", "12345.67", "602500.00", "1800000.00"]);
    let sum: Decimal = annual
        .iter()
        .map(|cell| cell.parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(sum.to_string(), fixture::ANNUAL_2023);
    assert_eq!(column(&table, "total"), ["", "", "1205000.00", ""]);
    assert_eq!(column(&table, "form_unit"), ["元", "元", "万元", "元"]);
    assert_eq!(column(&table, "carryover"), ["50000.00", "", "", "0.00"]);
    assert_eq!(column(&table, "name")[2], "青少年\"创新\"大赛, 第二期");
    assert_eq!(
        column(&table, "overall_goal")[2],
        "第一段：培养青少年创新能力 & 兴趣。\n\n第二段，含\"引号\"与alert(1)。",
        "goals are plain text: no Markdown, no HTML tags"
    );
    assert_eq!(
        column(&table, "url")[0],
        "https://example.org/sast/2023/ke-pu/"
    );
    let raw = text(&files, "2023/declarations.csv");
    assert!(
        raw.contains("\"青少年\"\"创新\"\"大赛, 第二期\""),
        "RFC 4180 quoting"
    );
    assert!(raw.contains("\r\n"), "CRLF line ends");
}

#[test]
fn indicators_csv_keeps_targets_verbatim_with_parsed_parts() {
    let (_dir, files) = built();
    let table = rows(&files, "2023/indicators.csv");
    assert_eq!(
        table[0],
        [
            "year",
            "slug",
            "position",
            "level1",
            "level2",
            "name",
            "target",
            "target_kind",
            "sign",
            "number",
            "unit",
            "qualitative",
            "weight",
            "direction"
        ]
    );
    assert_eq!(table.len(), 1 + 6);
    assert_eq!(
        table[1],
        [
            "2023",
            "ke-pu",
            "1",
            "产出指标",
            "数量指标",
            "活动场次",
            "＞3（次）",
            "quantitative",
            ">",
            "3",
            "次",
            "",
            "",
            ""
        ]
    );
    let xue_shu: Vec<&Vec<String>> = table.iter().filter(|row| row[1] == "xue-shu").collect();
    assert_eq!(
        xue_shu[0][6..12],
        ["≥100.00(项)", "quantitative", "≥", "100.00", "项", ""]
    );
    assert_eq!(
        xue_shu[1][6..12],
        ["及时", "qualitative", "", "", "", "及时"]
    );
    assert_eq!(xue_shu[2][9..11], ["85", "%"]);
    assert_eq!(
        column(&table, "position")
            .iter()
            .filter(|p| **p == "3")
            .count(),
        1
    );
}

#[test]
fn pages_link_the_years_open_data_and_no_per_declaration_copies_are_made() {
    let (_dir, files) = built();
    let page = text(&files, "2023/wan-yuan/index.html");
    for link in [
        "../declarations.csv",
        "../indicators.csv",
        "../declarations.xlsx",
        "../datapackage.json",
    ] {
        assert!(
            page.contains(&format!("href={link}")) || page.contains(&format!("href=\"{link}\"")),
            "{link}"
        );
    }
    let year = text(&files, "2023/index.html");
    for link in ["declarations.csv", "indicators.csv", "datapackage.json"] {
        assert!(
            year.contains(&format!("href={link}")) || year.contains(&format!("href=\"{link}\"")),
            "{link}"
        );
    }
    // The year's tables are the open data; a copy of each declaration's rows would triple the
    // files a large site writes (and archives), for rows a reader filters in one click.
    let per_declaration: Vec<&String> = files
        .keys()
        .filter(|path| {
            path.ends_with("/declaration.csv")
                || path.matches('/').count() == 2 && path.ends_with("/indicators.csv")
        })
        .collect();
    assert_eq!(per_declaration, Vec::<&String>::new());
}

#[test]
fn datapackage_describes_keys_currency_period_and_the_multi_year_total() {
    let (_dir, files) = built();
    let package: serde_json::Value =
        serde_json::from_str(text(&files, "2023/datapackage.json")).expect("JSON");
    assert_eq!(package["currency"], "CNY");
    assert_eq!(package["fiscalPeriod"]["start"], "2023-01-01");
    assert_eq!(package["fiscalPeriod"]["end"], "2023-12-31");
    assert!(
        package["description"]
            .as_str()
            .unwrap()
            .contains("must not be added")
    );
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(resources[0]["path"], "declarations.csv");
    assert_eq!(
        resources[1]["schema"]["foreignKeys"][0]["reference"]["resource"],
        "declarations"
    );
    let fields = resources[0]["schema"]["fields"].as_array().unwrap();
    let header = &rows(&files, "2023/declarations.csv")[0];
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        &names, header,
        "the schema lists the CSV's columns in order"
    );
    let total = fields.iter().find(|f| f["name"] == "total").unwrap();
    assert!(
        total["description"]
            .as_str()
            .unwrap()
            .contains("Do not add")
    );
}

#[test]
fn datapackage_passes_the_frictionless_validator() {
    let dir = tempfile::tempdir().expect("temp dir");
    fixture::write_site(dir.path());
    let out = dir.path().join("public");
    build(&BuildOptions::new(dir.path()), &out).expect("fixture builds");
    for year in ["2022", "2023"] {
        fixture::validate_with_frictionless(&out.join(year).join("datapackage.json"));
    }
}

/// Local names of the elements in `namespace`, in document order; panics on malformed XML.
fn elements_in(xml: &str, namespace: &str) -> Vec<String> {
    let mut reader = NsReader::from_str(xml);
    let mut names = Vec::new();
    loop {
        match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(ns), Event::Start(e) | Event::Empty(e))) => {
                if ns.as_ref() == namespace.as_bytes() {
                    names.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                }
            }
            Ok((_, Event::Eof)) => return names,
            Ok(_) => {}
            Err(err) => panic!("malformed XML: {err}\n{xml}"),
        }
    }
}

#[test]
fn feed_is_atom_with_one_entry_per_published_declaration_and_escaped_text() {
    let (_dir, files) = built();
    let feed = text(&files, "feed.xml");
    let atom = elements_in(feed, disclose::feeds::ATOM_NS);
    assert_eq!(atom.iter().filter(|name| *name == "entry").count(), 5);
    assert!(feed.contains("<title>青少年&quot;创新&quot;大赛, 第二期</title>"));
    assert!(!feed.contains("<script>"));
    assert!(
        feed.contains("<updated>2023-03-01T00:00:00+08:00</updated>"),
        "from start"
    );
    assert!(feed.contains("href=\"https://example.org/sast/2023/ke-pu/\""));
    assert!(!feed.contains("未发布"), "drafts are not in the feed");
    let ids: Vec<&str> = feed
        .match_indices("<id>urn:uuid:")
        .map(|(at, _)| &feed[at..at + 50])
        .collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 6, "feed id + 5 distinct entry ids");
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls() {
    let (_dir, files) = built();
    let sitemap = text(&files, "sitemap.xml");
    let names = elements_in(sitemap, disclose::feeds::SITEMAP_NS);
    let pages = files.keys().filter(|p| p.ends_with("index.html")).count();
    assert!(files.contains_key("2023/departments/shang-hai-shi-ke-xue-ji-shu-xie-hui/index.html"));
    assert!(files.contains_key(
        "2023/departments/shang-hai-shi-qing-shao-nian-ke-ji-jiao-yu-zhong-xin/index.html"
    ));
    assert_eq!(
        pages,
        1 + 2 * 2 + 2 * 2 + 5,
        "home, two years with their quality reports, the two departments of 2023 (a list and a \
         quality page each), five declarations"
    );
    assert_eq!(names.iter().filter(|name| *name == "url").count(), pages);
    assert!(sitemap.contains("<loc>https://example.org/sast/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/sast/2023/wan-yuan/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/sast/2023/quality/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn search_index_covers_declaration_pages_and_every_page_has_the_box() {
    let (_dir, files) = built();
    let catalog: serde_json::Value =
        serde_json::from_str(text(&files, "search/catalog.json")).expect("catalog is JSON");
    assert_eq!(catalog["format"], disclose::search::FORMAT_VERSION);
    let years: Vec<(u64, u64)> = catalog["years"]
        .as_array()
        .expect("years")
        .iter()
        .map(|y| {
            (
                y["year"].as_u64().unwrap_or(0),
                y["docs"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        years,
        [(2022, 1), (2023, 4)],
        "published declarations only, no draft"
    );
    assert!(files.keys().any(|p| p.starts_with("search/postings/")));
    let fragments: Vec<serde_json::Value> = [
        "search/fragments/2022/0.json",
        "search/fragments/2023/0.json",
    ]
    .iter()
    .flat_map(|path| {
        serde_json::from_str::<Vec<serde_json::Value>>(text(&files, path)).expect("fragments")
    })
    .collect();
    let slugs: Vec<&str> = fragments.iter().filter_map(|f| f["s"].as_str()).collect();
    assert_eq!(slugs, ["old", "ke-pu", "stem", "wan-yuan", "xue-shu"]);
    assert!(!files.keys().any(|p| p.starts_with("pagefind/")));
    for page in ["index.html", "2023/index.html", "2023/ke-pu/index.html"] {
        let html = text(&files, page);
        assert!(
            html.contains("for=site-search") || html.contains("for=\"site-search\""),
            "{page}"
        );
        assert!(html.contains("search.js"), "{page}");
        // Without JavaScript the box stays hidden: search.js reveals it.
        let form = html
            .split("<form")
            .nth(1)
            .and_then(|f| f.split('>').next())
            .unwrap_or("");
        assert!(form.contains("hidden"), "{page}: {form}");
    }
}

#[test]
fn two_builds_are_byte_identical_index_included() {
    let (_one, first) = built();
    let (_two, second) = built();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
#[ignore = "debugging aid: builds the fixture into $OPENDATA_OUT"]
fn write_fixture_build() {
    let out = std::path::PathBuf::from(std::env::var("OPENDATA_OUT").expect("OPENDATA_OUT"));
    fixture::write_site(&out.join("site"));
    build(&BuildOptions::new(out.join("site")), &out.join("public")).expect("builds");
}

/// A part of the year's workbook, as text.
fn workbook_part(files: &BTreeMap<String, Vec<u8>>, year: &str, part: &str) -> String {
    let bytes = &files[&format!("{year}/declarations.xlsx")];
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(part).expect(part), &mut text)
        .expect("UTF-8");
    text
}

#[test]
fn workbook_has_both_tables_and_keeps_targets_as_text() {
    let (_dir, files) = built();
    let book = workbook_part(&files, "2022", "xl/workbook.xml");
    assert!(
        book.contains("name=\"申报表\"") && book.contains("name=\"绩效指标\""),
        "{book}"
    );
    let strings = workbook_part(&files, "2022", "xl/sharedStrings.xml");
    assert!(
        strings.contains("<t>=4(次)</t>"),
        "a target starting with = is text"
    );
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        assert!(
            !workbook_part(&files, "2022", sheet).contains("<f>"),
            "no formulas in {sheet}"
        );
    }
    let created = workbook_part(&files, "2023", "docProps/core.xml");
    assert!(created.contains("2023-01-01T00:00:00Z"), "{created}");
    let declarations = workbook_part(&files, "2023", "xl/worksheets/sheet1.xml");
    assert!(
        declarations.contains("<v>602500</v>"),
        "amounts are numbers in 元"
    );
}
