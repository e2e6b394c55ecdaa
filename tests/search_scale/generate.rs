//! Generated declarations for the search scale test and benchmark: `years` years of
//! `per_year` declarations each, built in memory (no TOML, no pages), deterministic.
//!
//! The text is recombined from the repository's real 2023 forms (their goal clauses, indicator
//! names and project names), plus a generated lexicon of a few thousand place and topic words
//! made of the same characters, so the terms have a realistic, long-tailed distribution: common
//! pairs such as 科技 are in most declarations, 科普 in a minority, most pairs in a few. A
//! declaration carries about 1.2 KB of searched text, like the real forms.
#![allow(dead_code)]

use std::path::Path;

use disclose::model::{Date, Declaration, Funding, Goals, Indicator, SiteConfig};
use disclose::money::Amount;
use disclose::site::{Site, aggregate};
use disclose::target::Target;
use rust_decimal::Decimal;

/// Text harvested from real forms.
struct Pool {
    clauses: Vec<String>,
    indicators: Vec<(String, String, String)>,
    names: Vec<String>,
    chars: Vec<char>,
}

fn pool() -> Pool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = disclose::content::load_site(root).expect("the repository's content loads");
    let mut pool = Pool {
        clauses: Vec::new(),
        indicators: Vec::new(),
        names: Vec::new(),
        chars: Vec::new(),
    };
    for entry in loaded.entries {
        let declaration = std::sync::Arc::unwrap_or_clone(entry.declaration);
        pool.names.push(declaration.name.clone());
        let goals = [declaration.goals.overall, declaration.goals.annual];
        for goal in goals.into_iter().flatten() {
            pool.clauses.extend(
                goal.split(['，', '。', '；', '、', '\n'])
                    .map(str::trim)
                    .filter(|clause| clause.chars().count() >= 4)
                    .map(String::from),
            );
        }
        for indicator in declaration.indicators {
            pool.indicators
                .push((indicator.level1, indicator.level2, indicator.name));
        }
    }
    assert!(
        pool.clauses.len() > 20 && pool.indicators.len() > 20,
        "content/2023 holds the real forms the generator recombines"
    );
    let mut chars: Vec<char> = pool
        .clauses
        .iter()
        .flat_map(|clause| clause.chars())
        .filter(|ch| ('\u{4E00}'..='\u{9FFF}').contains(ch))
        .collect();
    chars.sort_unstable();
    chars.dedup();
    pool.chars = chars;
    pool
}

/// xorshift64*: small, fast and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `count` words of 2–4 characters from `chars`, biased to the first ones (a Zipf-like tail).
fn lexicon(chars: &[char], count: usize, rng: &mut Rng) -> Vec<String> {
    (0..count)
        .map(|_| {
            let len = 2 + rng.below(3);
            (0..len)
                .map(|_| {
                    let skewed = rng.below(chars.len()).min(rng.below(chars.len()));
                    chars[skewed]
                })
                .collect()
        })
        .collect()
}

fn amount(yuan: u64) -> Amount {
    Amount::from_yuan(Decimal::new(yuan as i64 * 100, 2))
}

/// A site of `years` years (ending 2024) of `per_year` generated declarations.
pub fn site(years: u16, per_year: usize) -> Site {
    let pool = pool();
    let mut rng = Rng::new(2024);
    let words = lexicon(&pool.chars, 4000, &mut rng);
    let departments: Vec<String> = (0..100)
        .map(|i| {
            let suffix = ["局", "委员会", "办公室", "协会", "中心"][i % 5];
            format!("上海市{}{suffix}", rng.pick(&words))
        })
        .collect();
    let mut declarations = Vec::with_capacity(usize::from(years) * per_year);
    for year in (2025 - years)..2025 {
        for index in 0..per_year {
            declarations.push(declaration(
                &pool,
                &words,
                &departments,
                &mut rng,
                year,
                index,
            ));
        }
    }
    let config = SiteConfig {
        title: "生成的站点".into(),
        base_url: "/".into(),
        language: "zh-CN".into(),
        publisher: "测试单位".into(),
        description: None,
        quality: disclose::quality::config::defaults(),
    };
    aggregate(config, declarations.into_iter().map(Into::into).collect())
}

fn declaration(
    pool: &Pool,
    words: &[String],
    departments: &[String],
    rng: &mut Rng,
    year: u16,
    index: usize,
) -> Declaration {
    let name = format!("{}{}", rng.pick(words), rng.pick(&pool.names));
    let mut annual = String::new();
    while annual.chars().count() < 220 {
        if !annual.is_empty() {
            annual.push('，');
        }
        if rng.below(3) == 0 {
            annual.push_str(rng.pick(words).as_str());
        }
        annual.push_str(rng.pick(&pool.clauses).as_str());
    }
    annual.push('。');
    let indicators = (0..6 + rng.below(5))
        .map(|_| {
            let (level1, level2, name) = rng.pick(&pool.indicators).clone();
            let name = if rng.below(2) == 0 {
                format!("{}{name}", rng.pick(words))
            } else {
                name
            };
            Indicator {
                level1,
                level2,
                name,
                target_text: "及时".into(),
                target: Target::Qualitative,
                weight: None,
                direction: None,
            }
        })
        .collect();
    let yuan = 10_000 + rng.below(5_000_000) as u64;
    Declaration {
        source: format!("content/{year}/p-{index:06}.toml").into(),
        year,
        slug: format!("p-{index:06}"),
        name,
        nature: Some("其他一次性项目".into()),
        category: Some("特定目标类".into()),
        department: rng.pick(departments).clone(),
        department_code: None,
        period: None,
        implementer: Some(format!("{}中心", rng.pick(words))),
        start: Date::new(year, 1, 1),
        end: Date::new(year, 12, 31),
        draft: false,
        funding: Funding {
            unit: disclose::money::Unit::Yuan,
            total: None,
            total_fiscal: None,
            total_other: None,
            annual: amount(yuan),
            appropriation: Some(amount(yuan)),
            carryover: None,
            other: None,
        },
        goals: Goals {
            overall: None,
            overall_period: None,
            annual: Some(annual),
        },
        indicators,
    }
}
