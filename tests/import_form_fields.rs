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
    let declarations = std::fs::read_to_string(site.public().join("2023/gong-lu/declaration.csv"))
        .expect("declaration.csv");
    let mut lines = declarations.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    let at = |name: &str| {
        let index = header.iter().position(|h| *h == name).expect(name);
        row[index]
    };
    assert_eq!(at("department_code"), "310001");
    assert_eq!(at("period"), "3年");
    assert_eq!(at("annual"), "106067522.00");

    let indicators = std::fs::read_to_string(site.public().join("2023/gong-lu/indicators.csv"))
        .expect("indicators.csv");
    let lines: Vec<&str> = indicators.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].ends_with(",weight,direction"), "{}", lines[0]);
    assert!(lines[1].ends_with(",20,正向指标"), "{}", lines[1]);
    assert!(lines[2].ends_with(",,"), "{}", lines[2]);
}
