//! A generated year with many 主管部门: the year page lists departments, each department page
//! (split into pages of at most 500 rows) lists its declarations, the figures add up exactly,
//! and no page grows with the size of the year.

use std::collections::{BTreeMap, HashMap};

use disclose::build::{BuildOptions, render_to_memory};
use rust_decimal::Decimal;
use scraper::{Html, Selector};

/// Departments with very different sizes: one needs three pages of 500 rows.
const SIZES: &[(&str, usize)] = &[
    ("上海市教育委员会", 1_203),
    ("上海市科学技术委员会", 340),
    ("上海市卫生健康委员会", 120),
    ("上海市科学技术协会", 15),
    ("上海市绿化和市容管理局", 1),
];

fn declaration(index: usize, department: &str) -> String {
    // Amounts with fen, some in 万元 with four decimals, so exact sums are needed.
    let (unit, annual) = if index.is_multiple_of(7) {
        ("万元", format!("{}.{:04}", 1 + index % 50, index % 10_000))
    } else {
        (
            "元",
            format!("{},{:03}.{:02}", 1 + index % 900, index % 1000, index % 100),
        )
    };
    format!(
        "name = \"项目{index}\"\nyear = 2024\ndepartment = \"{department}\"\n\n[funding]\nunit = \"{unit}\"\nannual = \"{annual}\"\nappropriation = \"{annual}\"\n\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"完成数\"\ntarget = \"≥1(项)\"\n"
    )
}

fn built() -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content/2024");
    std::fs::create_dir_all(&content).expect("mkdir");
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"测试\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"测试\"\n",
    )
    .expect("site.toml");
    let mut index = 0;
    for (department, size) in SIZES {
        for _ in 0..*size {
            let path = content.join(format!("p-{index:05}.toml"));
            std::fs::write(path, declaration(index, department)).expect("write");
            index += 1;
        }
    }
    let rendered = render_to_memory(&BuildOptions::new(dir.path())).expect("builds");
    rendered
        .files
        .into_iter()
        .map(|file| (file.path, file.bytes))
        .collect()
}

fn html(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    let bytes = files.get(path).unwrap_or_else(|| panic!("{path} missing"));
    Html::parse_document(&String::from_utf8_lossy(bytes))
}

fn select<'a>(page: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector).collect()
}

fn yuan(text: &str) -> Decimal {
    text.trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not an amount: {text:?}"))
}

fn text(element: &scraper::ElementRef) -> String {
    element.text().collect::<String>()
}

#[test]
fn department_pages_add_up_and_hold_every_declaration_once() {
    let files = built();
    let year = html(&files, "2024/index.html");
    let rows = select(&year, "#departments tbody tr");
    assert_eq!(rows.len(), SIZES.len(), "one row per department");

    // The year's total, from its summary, equals the sum of the department rows, exactly.
    let year_total = yuan(&text(&select(&year, ".summary dd.num")[0]));
    let mut department_sum = Decimal::ZERO;
    let mut on_pages: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let cells = select_in(row, "td");
        let count: usize = text(&cells[0]).trim().parse().expect("count");
        let annual = yuan(&text(&cells[1]));
        department_sum += annual;
        let link = select_in(row, "a")[0]
            .value()
            .attr("href")
            .expect("href")
            .to_string();
        let (listed, page_sum) = department_listing(&files, &link);
        assert_eq!(listed.len(), count, "{link}: rows = its count");
        assert_eq!(page_sum, annual, "{link}: its rows add up to its total");
        for slug in listed {
            *on_pages.entry(slug).or_default() += 1;
        }
    }
    assert_eq!(department_sum, year_total);
    let declarations = SIZES.iter().map(|(_, size)| size).sum::<usize>();
    assert_eq!(
        on_pages.len(),
        declarations,
        "every declaration is on a department page"
    );
    assert!(
        on_pages.values().all(|times| *times == 1),
        "and on only one"
    );

    // The quality report lists departments; each department's quality pages hold its rows.
    let quality = html(&files, "2024/quality/index.html");
    assert!(
        select(&quality, "#quality-declarations").is_empty(),
        "no row per declaration"
    );
    let mut in_quality: HashMap<String, usize> = HashMap::new();
    for link in select(&quality, "#quality-departments tbody a") {
        let first = format!("2024/quality/{}", link.value().attr("href").expect("href"));
        let page = html(&files, &format!("{first}index.html"));
        let mut pages = vec![format!("{first}index.html")];
        for other in select(&page, "nav.pager a") {
            let path = format!(
                "{}index.html",
                resolve(&first, other.value().attr("href").expect("href"))
            );
            if !pages.contains(&path) {
                pages.push(path);
            }
        }
        for path in pages {
            let page = html(&files, &path);
            for row in select(&page, "#quality-declarations tbody th a") {
                let href = row
                    .value()
                    .attr("href")
                    .expect("href")
                    .trim_end_matches("#quality");
                *in_quality
                    .entry(resolve(&path[..path.len() - "index.html".len()], href))
                    .or_default() += 1;
            }
        }
    }
    assert_eq!(
        in_quality.len(),
        on_pages.len(),
        "every declaration has its quality row"
    );
    assert!(in_quality.values().all(|times| *times == 1));

    // The open data still lists every declaration.
    let csv = String::from_utf8_lossy(&files["2024/declarations.csv"]).into_owned();
    assert_eq!(csv.lines().count(), declarations + 1);
}

/// Every declaration slug listed by a department (following its pages) and the sum of their
/// 年度资金申请总额 cells.
fn department_listing(files: &BTreeMap<String, Vec<u8>>, first: &str) -> (Vec<String>, Decimal) {
    let folder = format!("2024/{first}");
    let page = html(files, &format!("{folder}index.html"));
    let mut pages = vec![format!("{folder}index.html")];
    for link in select(&page, "nav.pager a") {
        let href = link.value().attr("href").expect("href");
        let path = format!("{}index.html", resolve(&folder, href));
        if !pages.contains(&path) {
            pages.push(path);
        }
    }
    let mut slugs = Vec::new();
    let mut sum = Decimal::ZERO;
    for path in &pages {
        let page = html(files, path);
        let rows = select(&page, "#declarations tbody tr");
        assert!(rows.len() <= 500, "{path}: at most 500 rows a page");
        for row in rows {
            let href = select_in(&row, "a")[0].value().attr("href").expect("href");
            let target = resolve(&path[..path.len() - "index.html".len()], href);
            assert!(
                files.contains_key(&format!("{target}index.html")),
                "{path} links {href}"
            );
            slugs.push(target);
            sum += yuan(&text(&select_in(&row, "td.num")[0]));
        }
    }
    (slugs, sum)
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("selector");
    element.select(&selector).collect()
}

/// `href` relative to the folder `base` (`2024/departments/x/`), as a folder path.
fn resolve(base: &str, href: &str) -> String {
    let mut parts: Vec<&str> = base.trim_end_matches('/').split('/').collect();
    for part in href.trim_end_matches('/').split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    format!("{}/", parts.join("/"))
}

#[test]
fn no_page_grows_with_the_year() {
    let files = built();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            assert!(bytes.len() <= 250 * 1024, "{path} is {} bytes", bytes.len());
        }
    }
    let year = String::from_utf8_lossy(&files["2024/index.html"]).into_owned();
    assert!(
        !year.contains("项目1202<"),
        "the year page lists departments, not declarations"
    );
}
