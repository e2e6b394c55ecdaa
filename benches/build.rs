//! Build-time benchmark: generates sites of 1,000 and 10,000 declarations (or the sizes given as
//! arguments) in temp dirs and prints how long each phase of a full build takes. It prints
//! numbers and asserts nothing; compare with `benches/hugo.sh`, which times Debian's `hugo` on
//! equivalent pages.
//!
//! `cargo bench --bench build` or `cargo bench --bench build -- 100000`

use std::fs;
use std::path::Path;
use std::time::Instant;

use disclose::build::{BuildOptions, build};

const LEVELS: &[(&str, &str)] = &[
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
];

/// Write a site of `count` declarations spread over departments and two years.
pub fn generate(root: &Path, count: usize) -> std::io::Result<()> {
    fs::write(
        root.join("site.toml"),
        "title = \"基准测试\"\nbase_url = \"/\"\nlanguage = \"zh-CN\"\npublisher = \"基准测试单位\"\n",
    )?;
    for index in 0..count {
        let year = 2022 + (index % 2);
        let folder = root.join(format!("content/{year}"));
        fs::create_dir_all(&folder)?;
        let mut text = format!(
            "name = \"项目{index}号：科普与学术交流\"\nyear = {year}\nnature = \"其他一次性项目\"\ncategory = \"{category}\"\ndepartment = \"部门{department}\"\nstart = {year}-01-01\nend = {year}-12-31\n\n[funding]\nannual = \"{yuan},{fen:03}.50\"\nappropriation = \"{yuan},{fen:03}.50\"\ncarryover = \"0.00\"\nother = \"0.00\"\n\n[goals]\nannual = \"围绕中心工作，组织开展第{index}项科普活动，提升公民科学素质。\"\n",
            category = if index % 3 == 0 {
                "特定目标类"
            } else {
                "其他运转类"
            },
            department = index % 200,
            yuan = 1 + index % 900,
            fen = index % 1000,
        );
        for (position, (level1, level2)) in LEVELS.iter().enumerate() {
            text.push_str(&format!(
                "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"指标{position}\"\ntarget = \"≥{position}.00(项)\"\n"
            ));
        }
        fs::write(folder.join(format!("p-{index:06}.toml")), text)?;
    }
    Ok(())
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    println!(
        "disclose build benchmark ({} threads)",
        rayon::current_num_threads()
    );
    for count in sizes {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => {
                eprintln!("tempdir: {err}");
                return;
            }
        };
        if let Err(err) = generate(dir.path(), count) {
            eprintln!("generating {count} declarations: {err}");
            return;
        }
        let options = BuildOptions::new(dir.path());
        let started = Instant::now();
        match build(&options, &dir.path().join("public")) {
            Ok(rendered) => println!(
                "{count:>7} declarations: {:>8.1} ms total, {} files ({})",
                started.elapsed().as_secs_f64() * 1000.0,
                rendered.written.len(),
                rendered.timings.summary()
            ),
            Err(err) => eprintln!("{count} declarations: build failed: {err}"),
        }
    }
}
