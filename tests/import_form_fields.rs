//! The optional fields that other offices' forms carry (SPEC §2): 主管部门代码, 项目期, 权重 and
//! 指标方向性 are shown on the declaration page only where present, and go to the open data.

mod common;

use common::Site;

const WITH_FIELDS: &str = r#"name = "农村公路养护"
year = 2023
department = "某县交通运输局"
department_code = "310001"
period = "3年"

[funding]
unit = "万元"
annual = "10606.7522"

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "养护里程"
target = "12公里"
weight = "20"
direction = "正向指标"

[[indicators]]
level1 = "效益指标"
level2 = "社会效益指标"
name = "通行条件"
target = "本项目不适用此指标"
"#;

fn site() -> Site {
    let site = Site::new();
    site.write("content/2023/gong-lu.toml", WITH_FIELDS);
    site.run(&["build"]).assert_ok();
    site
}

#[test]
fn the_page_shows_code_period_weight_and_direction_where_present() {
    let site = site();
    let page = site.page("2023/gong-lu/index.html");
    for expected in [
        "主管部门代码",
        "310001",
        "项目期",
        "3年",
        ">权重<",
        ">指标方向性<",
        "正向指标",
        "本项目不适用此指标",
        "12公里",
    ] {
        assert!(page.contains(expected), "{expected} missing");
    }
    // The second indicator has neither: its cells are there, empty, so the columns line up.
    let other = site.page("2023/alpha/index.html");
    for absent in ["主管部门代码", "项目期", "权重", "指标方向性"] {
        assert!(!other.contains(absent), "{absent} shown without a value");
    }
}

#[test]
fn the_open_data_carries_the_new_columns() {
    let site = site();
    // Rows of the year's tables that belong to gong-lu, as (header → cell) maps.
    let rows_of = |file: &str| -> Vec<std::collections::BTreeMap<String, String>> {
        let text = std::fs::read_to_string(site.public().join(file)).expect(file);
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        assert!(header.ends_with(&file_tail(file)), "{file}: {header:?}");
        reader
            .records()
            .map(|record| {
                let record = record.expect("row");
                header
                    .iter()
                    .cloned()
                    .zip(record.iter().map(String::from))
                    .collect()
            })
            .filter(|row: &std::collections::BTreeMap<String, String>| row["slug"] == "gong-lu")
            .collect()
    };
    let declarations = rows_of("2023/declarations.csv");
    assert_eq!(declarations.len(), 1);
    assert_eq!(declarations[0]["department_code"], "310001");
    assert_eq!(declarations[0]["period"], "3年");
    assert_eq!(declarations[0]["annual"], "106067522.00");

    let indicators = rows_of("2023/indicators.csv");
    assert_eq!(indicators.len(), 2);
    assert_eq!(
        (
            indicators[0]["weight"].as_str(),
            indicators[0]["direction"].as_str()
        ),
        ("20", "正向指标")
    );
    assert_eq!(
        (
            indicators[1]["weight"].as_str(),
            indicators[1]["direction"].as_str()
        ),
        ("", "")
    );
}

/// The new columns come last in each table, so older columns keep their positions.
fn file_tail(file: &str) -> Vec<String> {
    let tail: &[&str] = if file.ends_with("indicators.csv") {
        &["weight", "direction"]
    } else {
        &["department_code", "period"]
    };
    tail.iter().map(|name| name.to_string()).collect()
}
