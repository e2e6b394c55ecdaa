//! The importer never panics: truncated and garbled versions of the real file give Ok or Err.
//! Whenever they give Ok, every declaration is valid TOML with a valid slug; whenever Err, every
//! error points at a line of the input.

use disclose::import::import_text;

const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/2023-shanghai-sast-declarations.txt"
);

/// A small deterministic pseudo-random generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn check(text: &str) {
    let lines = text.split('\n').count();
    match import_text(text, "garbled.txt") {
        Ok(declarations) => {
            for declaration in declarations {
                let parsed = toml::from_str::<toml::Table>(&declaration.toml);
                assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), declaration.toml);
                assert!(
                    !declaration.slug.is_empty()
                        && declaration
                            .slug
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{}",
                    declaration.slug
                );
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in errors {
                assert!(
                    (1..=lines).contains(&error.line),
                    "{error} (input has {lines} lines)"
                );
                assert!(!error.message.is_empty());
            }
        }
    }
}

fn real_text() -> String {
    std::fs::read_to_string(REAL).expect("the real export")
}

#[test]
fn every_truncation_at_a_line_or_character_is_handled() {
    let text = real_text();
    let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
    for index in boundaries.iter().step_by(97) {
        check(&text[..*index]);
        check(&text[*index..]);
    }
    for (index, _) in text.match_indices('\n') {
        check(&text[..index]);
    }
}

#[test]
fn garbled_versions_are_handled() {
    let text = real_text();
    let lines: Vec<&str> = text.split('\n').collect();
    let noise = [
        "\t",
        "\n",
        "",
        " ",
        "#",
        "<p>",
        "</p>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "<",
        "'''",
        "\"",
        "\\",
        "\r",
        "\u{0}",
        "\u{feff}",
        "财政项目支出绩效目标申报表",
        "(2023年度)",
        "(0000年度)",
        "项目名称",
        "其他资金",
        "年度资金申请总额",
        "一级指标",
        "绩效指标",
        "产出指标",
        "成本指标",
        "数量指标",
        "项目总目标 (",
        "项目资金 (",
        "9999-99-99",
        "2024-02-29",
        "1. ",
        "🙂",
        "\u{3000}",
    ];
    let mut random = Lcg(2023);
    for _ in 0..400 {
        let mut garbled: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
        for _ in 0..1 + random.below(6) {
            let at = random.below(garbled.len());
            match random.below(6) {
                0 => {
                    garbled.remove(at);
                }
                1 => {
                    let copy = garbled[at].clone();
                    garbled.insert(random.below(garbled.len()), copy);
                }
                2 => {
                    let mut cells: Vec<String> =
                        garbled[at].split('\t').map(String::from).collect();
                    let (a, b) = (random.below(cells.len()), random.below(cells.len()));
                    cells.swap(a, b);
                    if random.below(2) == 0 {
                        cells.insert(random.below(cells.len() + 1), String::new());
                    }
                    garbled[at] = cells.join("\t");
                }
                _ => {
                    let line = &garbled[at];
                    let cuts: Vec<usize> = line
                        .char_indices()
                        .map(|(index, _)| index)
                        .chain([line.len()])
                        .collect();
                    let cut = cuts[random.below(cuts.len())];
                    let piece = noise[random.below(noise.len())];
                    garbled[at] = format!("{}{piece}{}", &line[..cut], &line[cut..]);
                }
            }
        }
        check(&garbled.join("\n"));
    }
}

#[test]
fn odd_whole_inputs_are_handled() {
    for text in [
        "",
        "\n\n\n",
        "\u{feff}",
        "财政项目支出绩效目标申报表",
        "财政项目支出绩效目标申报表(2023年度)",
        "# 财政项目支出绩效目标申报表\n(2023年度)\n项目名称\n",
        "# 财政项目支出绩效目标申报表\n(2023年度)\n\t\t\t\n一级指标\n\t\t\t\t\n",
        "财政项目支出绩效目标申报表\n财政项目支出绩效目标申报表\n",
        "\r\n\r\n# 财政项目支出绩效目标申报表\r\n(2023年度)\r\n",
    ] {
        check(text);
    }
}
