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

/// Write the hugo site with the same declarations: a section per year and a page per
/// declaration, with the same markup as disclose's declaration page (the site header with the
/// year navigation and the search form, breadcrumbs, the form's header and funding tables, both
/// goals, the indicator table with its row spans and `headers`, the quality findings and the
/// downloads), and a `departments` taxonomy standing in for disclose's department pages. What
/// disclose computes (the row spans, the findings) is handed to hugo ready-made in the front
/// matter, so hugo only lays out. Both generators minify.
pub fn write_hugo_site(root: &Path, years: u16, per_year: usize) -> io::Result<()> {
    let layouts = root.join("layouts/_default");
    fs::create_dir_all(&layouts)?;
    fs::write(root.join("hugo.toml"), HUGO_CONFIG)?;
    fs::write(layouts.join("baseof.html"), HUGO_BASEOF)?;
    fs::write(layouts.join("single.html"), HUGO_SINGLE)?;
    fs::write(layouts.join("list.html"), HUGO_LIST)?;
    let partials = root.join("layouts/partials");
    fs::create_dir_all(&partials)?;
    fs::write(partials.join("header.html"), HUGO_HEADER)?;
    for year in FIRST_YEAR..FIRST_YEAR + years {
        let folder = root.join(format!("content/{year}"));
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join("_index.md"),
            format!("+++\ntitle = \"{year}年度\"\n+++\n"),
        )?;
        for index in 0..per_year {
            fs::write(
                folder.join(format!("p{index:06}.md")),
                hugo_page(year, index),
            )?;
        }
    }
    Ok(())
}

fn hugo_page(year: u16, index: usize) -> String {
    let form = generated(year, index);
    let department_number = index % DEPARTMENTS;
    // TOML front matter, as disclose reads TOML (hugo parses it faster than YAML).
    let mut text = format!(
        "+++\ntitle = \"{name}\"\nyear = {year}\nnature = \"其他一次性项目\"\ncategory = \"{category}\"\n\
         departments = [\"{department}\"]\ndepartment = \"{department}\"\n\
         department_slug = \"di-{department_number}-zhu-guan-bu-men\"\nimplementer = \"{implementer}\"\n\
         start = \"{year}-01-01\"\nend = \"{year}-12-31\"\nannual = \"{annual}\"\n\
         appropriation = \"{annual}\"\ncarryover = \"0.00\"\nother = \"0.00\"\n",
        name = form.name,
        category = ["特定目标类", "其他运转类"][index % 2],
        department = form.department,
        implementer = form.implementer,
        annual = form.annual,
    );
    let rows = &form.indicators;
    for (position, [level1, level2, name, target]) in rows.iter().enumerate() {
        let group_start = |same: &dyn Fn(&[String; 4]) -> bool| {
            (0..=position)
                .rev()
                .take_while(|&earlier| same(&rows[earlier]))
                .last()
                .unwrap_or(position)
        };
        let l1 = group_start(&|row| row[0] == *level1);
        let l2 = group_start(&|row| row[0] == *level1 && row[1] == *level2);
        let span = |start: usize, same: &dyn Fn(&[String; 4]) -> bool| {
            if start == position {
                rows[position..].iter().take_while(|row| same(row)).count()
            } else {
                0
            }
        };
        let l1span = span(l1, &|row| row[0] == *level1);
        let l2span = span(l2, &|row| row[0] == *level1 && row[1] == *level2);
        let _ = write!(
            text,
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"{name}\"\n\
             target = \"{target}\"\nn = {n}\nl1 = {l1}\nl2 = {l2}\nl1span = {l1span}\nl2span = {l2span}\n",
            n = position + 1,
            l1 = l1 + 1,
            l2 = l2 + 1,
        );
    }
    text.push_str(
        "\n[[findings]]\ntitle = \"未设成本指标\"\ntext = \"：本表既没有一级“成本指标”，也没有二级成本指标\"\n",
    );
    for (position, [_, _, name, target]) in rows.iter().enumerate().skip(3).take(4) {
        let _ = write!(
            text,
            "\n[[findings]]\ntitle = \"指标值难以衡量\"\n\
             text = \"（第 {n} 项指标）：“{name}”的指标值“{target}”没有数字、比例或完成时限\"\n",
            n = position + 1
        );
    }
    let _ = write!(text, "+++\n{}\n", form.goal);
    text
}

const HUGO_CONFIG: &str = r##"baseURL = "/"
title = "基准 项目支出绩效目标公开"
languageCode = "zh-CN"
disableKinds = ["RSS"]
[taxonomies]
department = "departments"
[minify]
minifyOutput = true
"##;

const HUGO_BASEOF: &str = r##"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ with .Params.year }}{{ . }}年度 · {{ end }}{{ .Site.Title }}</title>
{{ with .Params.department }}<meta name="description" content="{{ . }} {{ $.Params.year }}年度项目支出绩效目标申报表：{{ $.Title }}，年度资金申请总额 {{ $.Params.annual }} 元">{{ end }}
<meta name="generator" content="hugo"><link rel="canonical" href="{{ .RelPermalink }}">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/style.css">
<link rel="alternate" type="application/atom+xml" title="{{ .Site.Title }}" href="/feed.xml"></head>
<body><a class="skip-link" href="#main">跳到正文</a>
{{ partialCached "header.html" . }}
<main class="wrap" id="main" tabindex="-1">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><div class="wrap"><p>发布单位：基准单位</p><p>本网站依据《中华人民共和国预算法》第十四条公开项目支出绩效目标。金额单位除注明外均为人民币元。</p></div></footer>
</body></html>
"##;

/// The site header, the same on every page: rendered once (`partialCached`), as a hugo user
/// would.
const HUGO_HEADER: &str = r##"<header class="site-header"><div class="wrap"><p class="site-title"><a href="/">{{ .Site.Title }}</a></p>
<nav class="year-nav" aria-label="年度"><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<form class="search" role="search" data-root="/" hidden><label for="site-search">搜索项目</label>
<div class="search-controls"><input type="search" id="site-search" name="q" autocomplete="off" placeholder="项目名称、主管部门、目标或指标" aria-describedby="site-search-status">
<label class="search-year-label" for="site-search-year">年度</label><select id="site-search-year" name="year"><option value="">全部年度</option>{{ range .Site.Sections }}<option value="{{ .Title }}">{{ .Title }}</option>{{ end }}</select></div>
<p class="search-status" id="site-search-status" role="status"></p><div class="search-results"></div></form>
<script defer src="/assets/search.js"></script></div></header>"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}<nav class="breadcrumbs" aria-label="当前位置"><ol><li><a href="/">首页</a></li><li><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></li><li><a href="/departments/{{ .Params.department_slug }}/">{{ .Params.department }}</a></li><li><a href="./" aria-current="page">{{ .Title }}</a></li></ol></nav>
<article class="form"><p class="form-title">财政项目支出绩效目标申报表</p><p class="form-year">（{{ .Params.year }}年度）</p><h1>{{ .Title }}</h1>
<table class="form-table"><caption>项目基本信息</caption><tbody>
<tr><th scope="row">项目名称</th><td colspan="3">{{ .Title }}</td></tr>
<tr><th scope="row">项目性质</th><td>{{ .Params.nature }}</td><th scope="row">项目类别</th><td>{{ .Params.category }}</td></tr>
<tr><th scope="row">主管部门</th><td>{{ .Params.department }}</td><th scope="row">实施单位</th><td>{{ .Params.implementer }}</td></tr>
<tr><th scope="row">计划开始日期</th><td>{{ .Params.start }}</td><th scope="row">计划完成日期</th><td>{{ .Params.end }}</td></tr></tbody></table>
<table class="form-table funding"><caption>项目资金（元）</caption><tbody>
<tr><th scope="row">项目资金总额</th><td class="num">{{ .Params.total }}</td><th scope="row">年度资金申请总额</th><td class="num">{{ .Params.annual }}</td></tr>
<tr><th scope="row">其中：财政资金</th><td class="num">{{ .Params.fiscal }}</td><th scope="row">其中：当年财政拨款</th><td class="num">{{ .Params.appropriation }}</td></tr>
<tr><td colspan="2"></td><th scope="row">上年结转资金</th><td class="num">{{ .Params.carryover }}</td></tr>
<tr><th scope="row">其他资金</th><td class="num">{{ .Params.total_other }}</td><th scope="row">其他资金</th><td class="num">{{ .Params.other }}</td></tr></tbody></table>
<section class="form-goals" aria-labelledby="goals-heading"><h2 id="goals-heading">项目绩效目标</h2><div class="goal-columns">
<div class="goal"><h3>项目总目标</h3><p class="empty">（未填写）</p></div><div class="goal"><h3>年度总体目标</h3>{{ .Content }}</div></div></section>
<section class="form-indicators" aria-labelledby="indicators-heading"><h2 id="indicators-heading">绩效指标</h2>
<div class="table-scroll" role="region" aria-labelledby="indicators-caption" tabindex="0"><table class="form-table indicators"><caption id="indicators-caption">绩效指标（共{{ len .Params.indicators }}项）</caption>
<thead><tr><th scope="col" id="col-l1">一级指标</th><th scope="col" id="col-l2">二级指标</th><th scope="col" id="col-l3">三级指标</th><th scope="col" id="col-target">年度(/项目)指标值</th></tr></thead><tbody>
{{ range .Params.indicators }}<tr>{{ if .l1span }}<th id="l1-{{ .l1 }}" headers="col-l1" rowspan="{{ .l1span }}">{{ .level1 }}</th>{{ end }}{{ if .l2span }}<th id="l2-{{ .l2 }}" headers="col-l2 l1-{{ .l1 }}" rowspan="{{ .l2span }}">{{ .level2 }}</th>{{ end }}<th id="ind-{{ .n }}" headers="col-l3 l1-{{ .l1 }} l2-{{ .l2 }}">{{ .name }}</th><td class="target" headers="col-target l1-{{ .l1 }} l2-{{ .l2 }} ind-{{ .n }}">{{ .target }}</td></tr>{{ end }}
</tbody></table></div>
<details class="quality no-print" id="quality"><summary>指标质量：{{ len .Params.findings }} 项发现</summary><p>以下是对本表原文的客观描述，不是更正；检查项的含义见<a href="../quality/">{{ .Params.year }}年度绩效指标质量</a>。</p>
<ul>{{ range .Params.findings }}<li><strong>{{ .title }}</strong>{{ .text }}</li>{{ end }}</ul></details></section></article>
<section class="downloads" aria-labelledby="downloads-heading"><h2 id="downloads-heading">下载数据</h2><ul><li><a href="../declarations.csv" download>{{ .Params.year }}年度全部申报表（CSV，金额单位：元）</a>、<a href="../indicators.csv" download>全部绩效指标（CSV）</a>、<a href="../declarations.xlsx" download>Excel 工作簿</a>、<a href="../datapackage.json">数据说明（JSON）</a></li></ul></section>{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>项目名称</th><th>主管部门</th><th>年度资金申请总额</th></tr></thead><tbody>
{{ range (.Paginate .Pages 500).Pages }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ index .Params.departments 0 }}</td><td>{{ .Params.annual }}</td></tr>{{ end }}
</tbody></table>{{ end }}
"##;
