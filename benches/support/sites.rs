//! Generated sites for the benchmarks: a disclose site and the equivalent hugo site, built from
//! the same declarations so the two generators render the same pages.
//!
//! A declaration is shaped like the real 2023 forms (about 1.9 KB of TOML): a name, the form's
//! header fields, four amounts, an annual goal of about 150 characters and eight indicators over
//! the three 一级. Declarations are spread over 100 主管部门 so a year of thousands has
//! department pages, as a city's or province's would.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// 主管部门 per site: enough that a 10,000-declaration year has department pages.
pub const DEPARTMENTS: usize = 100;

/// The first year of a generated site; `years` years follow it.
pub const FIRST_YEAR: u16 = 2014;

const INDICATORS: &[(&str, &str, &str, &str)] = &[
    ("产出指标", "数量指标", "举办科普活动场次", "≥{n}.00(场)"),
    (
        "产出指标",
        "数量指标",
        "服务科技工作者人次",
        "≥{n}00.00(人次)",
    ),
    ("产出指标", "质量指标", "各项工作质量达标率", "=100.00(%)"),
    ("产出指标", "时效指标", "各项工作均按时完成", "及时"),
    ("效益指标", "社会效益指标", "提升公民科学素质", "有效提升"),
    ("效益指标", "社会效益指标", "营造创新创业文化氛围", "良好"),
    ("效益指标", "可持续影响指标", "形成长效工作机制", "逐步形成"),
    (
        "满意度指标",
        "服务对象满意度指标",
        "受益群体满意度",
        "≥85.00(%)",
    ),
];

/// One declaration's fields, shared by both generators.
struct Generated {
    name: String,
    department: String,
    implementer: String,
    annual: String,
    goal: String,
    indicators: Vec<[String; 4]>,
}

fn generated(year: u16, index: usize) -> Generated {
    let department = index % DEPARTMENTS;
    let yuan = 10_000 + (index * 7_919) % 4_990_000;
    let goal = format!(
        "围绕中心工作和科协组织“四服务”职责定位，组织开展第{index}号项目的年度科普与学术交流活动，\
         团结引导广大科技工作者投身创新实践，推动科技与经济紧密融合，提升公民科学素质，\
         为{year}年度科技创新中心建设作出新贡献，确保各项工作按计划完成并接受社会监督。"
    );
    Generated {
        name: format!("第{index}号科普与学术交流项目"),
        department: format!("第{department}主管部门"),
        implementer: format!("第{department}主管部门直属第{}中心", index % 7 + 1),
        annual: format!("{}.{:02}", grouped(yuan), index % 100),
        goal,
        indicators: INDICATORS
            .iter()
            .map(|(level1, level2, name, target)| {
                let target = target.replace("{n}", &(index % 50 + 1).to_string());
                [
                    level1.to_string(),
                    level2.to_string(),
                    name.to_string(),
                    target,
                ]
            })
            .collect(),
    }
}

/// `1234567` → `1,234,567`, as the forms print amounts.
fn grouped(yuan: usize) -> String {
    let digits = yuan.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// Write a disclose site of `per_year` declarations in each of `years` years.
pub fn write_disclose_site(root: &Path, years: u16, per_year: usize) -> io::Result<()> {
    fs::create_dir_all(root)?;
    fs::write(
        root.join("site.toml"),
        "title = \"基准 项目支出绩效目标公开\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"基准单位\"\n",
    )?;
    for year in FIRST_YEAR..FIRST_YEAR + years {
        let folder = root.join(format!("content/{year}"));
        fs::create_dir_all(&folder)?;
        for index in 0..per_year {
            let text = disclose_toml(year, index);
            fs::write(folder.join(format!("p{index:06}.toml")), text)?;
        }
    }
    Ok(())
}

fn disclose_toml(year: u16, index: usize) -> String {
    let form = generated(year, index);
    let mut text = format!(
        "name = \"{name}\"\nyear = {year}\nnature = \"其他一次性项目\"\ncategory = \"{category}\"\n\
         department = \"{department}\"\nimplementer = \"{implementer}\"\nstart = {year}-01-01\n\
         end = {year}-12-31\n\n[funding]\nunit = \"元\"\nannual = \"{annual}\"\n\
         appropriation = \"{annual}\"\ncarryover = \"0.00\"\nother = \"0.00\"\n\n[goals]\n\
         annual = \"{goal}\"\n",
        name = form.name,
        category = ["特定目标类", "其他运转类"][index % 2],
        department = form.department,
        implementer = form.implementer,
        annual = form.annual,
        goal = form.goal,
    );
    for [level1, level2, name, target] in &form.indicators {
        let _ = write!(
            text,
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"{name}\"\ntarget = \"{target}\"\n"
        );
    }
    text
}

/// Write the hugo site with the same declarations: a section per year, a page per declaration
/// (the form's header table, the goal and the indicator table), and a `departments` taxonomy
/// standing in for disclose's department pages.
pub fn write_hugo_site(root: &Path, years: u16, per_year: usize) -> io::Result<()> {
    let layouts = root.join("layouts/_default");
    fs::create_dir_all(&layouts)?;
    fs::write(root.join("hugo.toml"), HUGO_CONFIG)?;
    fs::write(layouts.join("baseof.html"), HUGO_BASEOF)?;
    fs::write(layouts.join("single.html"), HUGO_SINGLE)?;
    fs::write(layouts.join("list.html"), HUGO_LIST)?;
    for year in FIRST_YEAR..FIRST_YEAR + years {
        let folder = root.join(format!("content/{year}"));
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join("_index.md"),
            format!("---\ntitle: \"{year}年\"\n---\n"),
        )?;
        for index in 0..per_year {
            let form = generated(year, index);
            let mut text = format!(
                "---\ntitle: \"{}\"\ndepartments: [\"{}\"]\nimplementer: \"{}\"\nannual: \"{}\"\nindicators:\n",
                form.name, form.department, form.implementer, form.annual
            );
            for [level1, level2, name, target] in &form.indicators {
                let _ = writeln!(
                    text,
                    "  - {{level1: \"{level1}\", level2: \"{level2}\", name: \"{name}\", target: \"{target}\"}}"
                );
            }
            let _ = write!(text, "---\n{}\n", form.goal);
            fs::write(folder.join(format!("p{index:06}.md")), text)?;
        }
    }
    Ok(())
}

const HUGO_CONFIG: &str = r#"baseURL = "/"
title = "基准 项目支出绩效目标公开"
languageCode = "zh-CN"
disableKinds = ["RSS"]
[taxonomies]
department = "departments"
[minify]
minifyOutput = true
"#;

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Title }}</footer></body></html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<table><tr><th>项目名称</th><td>{{ .Title }}</td></tr>
<tr><th>主管部门</th><td>{{ index .Params.departments 0 }}</td></tr>
<tr><th>实施单位</th><td>{{ .Params.implementer }}</td></tr>
<tr><th>年度资金申请总额</th><td>{{ .Params.annual }}</td></tr></table>
<section><h2>年度目标</h2>{{ .Content }}</section>
<table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr></thead><tbody>
{{ range .Params.indicators }}<tr><td>{{ .level1 }}</td><td>{{ .level2 }}</td><td>{{ .name }}</td><td>{{ .target }}</td></tr>{{ end }}
</tbody></table>{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>项目名称</th><th>主管部门</th><th>年度资金申请总额</th></tr></thead><tbody>
{{ range (.Paginate .Pages 500).Pages }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ index .Params.departments 0 }}</td><td>{{ .Params.annual }}</td></tr>{{ end }}
</tbody></table>{{ end }}
"#;
