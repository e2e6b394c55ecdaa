//! Every reader, fed noise and truncations of real content in its own shape, never panics: it
//! gives rows or an error, and the whole importer then gives declarations that are valid TOML or
//! errors that point at a line or row of the input.

mod shapes;

use disclose::import::{FORMATS, Format, ImportOptions, Input, import, read_document};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Three real forms in each shape (three keep the cases fast; each shape repeats per form).
fn samples() -> &'static Vec<(Format, Vec<u8>)> {
    static SAMPLES: OnceLock<Vec<(Format, Vec<u8>)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let forms: Vec<shapes::Form> = shapes::real_forms().into_iter().take(3).collect();
        let tsv = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/2023-shanghai-sast-declarations.txt"
        ))
        .expect("the real export");
        vec![
            (Format::Tsv, tsv[..tsv.len().min(6000)].to_vec()),
            (Format::Text, shapes::stream_text(&forms).into_bytes()),
            (Format::Layout, shapes::layout_text(&forms).into_bytes()),
            (Format::Json, shapes::json(&forms).into_bytes()),
            (Format::Html, shapes::html(&forms).into_bytes()),
            (Format::Pipe, shapes::pipe_text(&forms).into_bytes()),
            (Format::Csv, shapes::flat_csv(&forms).into_bytes()),
            (Format::Xlsx, shapes::xlsx(&forms)),
        ]
    })
}

/// Reads `bytes` as `format` with the reader alone and with the whole importer; checks the
/// importer's answer is well formed.
fn check(format: Format, bytes: &[u8]) {
    let _ = read_document(format, bytes);
    let outcome = import(
        &[Input {
            name: "noise",
            bytes,
        }],
        ImportOptions {
            format: Some(format),
            unit: None,
        },
    );
    for declaration in &outcome.declarations {
        let parsed = toml::from_str::<toml::Table>(&declaration.toml);
        assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), declaration.toml);
    }
    for error in &outcome.errors {
        assert!(error.line >= 1, "{error}");
        assert!(!error.message.is_empty());
    }
    // A detected format must not panic either.
    let _ = import(
        &[Input {
            name: "noise.bin",
            bytes,
        }],
        ImportOptions::default(),
    );
}

const NOISE: &[&str] = &[
    "\t",
    "\n",
    " ",
    "|",
    "  ",
    "<td rowspan=3>",
    "</table>",
    "<p>",
    "[",
    "]",
    "{",
    "\"",
    ",",
    "\u{0}",
    "\u{feff}",
    "\u{fffd}",
    "\u{c}",
    "财政项目支出绩效目标申报表",
    "(2023年度)",
    "项目名称",
    "一级指标",
    "绩",
    "产出指标",
    "成本指标",
    "项目资金",
    "(万元)",
    "≥",
    "1,800,000.00",
    "自评表",
    "实际完成值",
    "小计",
    "第 1 页",
    "\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn truncations_of_every_shape(shape in 0usize..8, cut in 0.0f64..1.0, from_start in any::<bool>()) {
        let (format, bytes) = &samples()[shape];
        let at = (bytes.len() as f64 * cut) as usize;
        let piece = if from_start { &bytes[..at] } else { &bytes[at..] };
        check(*format, piece);
    }

    #[test]
    fn noise_in_every_shape(
        shape in 0usize..8,
        edits in prop::collection::vec((0.0f64..1.0, 0usize..NOISE.len(), 0usize..3), 1..8),
    ) {
        let (format, bytes) = &samples()[shape];
        let mut bytes = bytes.clone();
        for (position, noise, kind) in edits {
            let at = ((bytes.len() as f64) * position) as usize;
            match kind {
                0 => {
                    let end = (at + 7).min(bytes.len());
                    bytes.drain(at..end);
                }
                1 => {
                    let copy: Vec<u8> = bytes[at..(at + 40).min(bytes.len())].to_vec();
                    let to = ((bytes.len() as f64) * (1.0 - position)) as usize;
                    bytes.splice(to..to, copy);
                }
                _ => {
                    bytes.splice(at..at, NOISE[noise].bytes());
                }
            }
        }
        check(*format, &bytes);
    }

    #[test]
    fn arbitrary_bytes_in_every_format(
        format in 0usize..FORMATS.len(),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        check(FORMATS[format].1, &bytes);
    }
}

#[test]
fn odd_whole_inputs_in_every_format() {
    for (_, format) in FORMATS {
        for input in [
            &b""[..],
            b"\n\n\n",
            b"\xEF\xBB\xBF",
            b"[]",
            b"{}",
            b"[[]]",
            b"<table></table>",
            b"PK\x03\x04",
            b"\xD0\xCF\x11\xE0",
            "财政项目支出绩效目标申报表".as_bytes(),
            "财政项目支出绩效目标申报表\n项目名称\n一级指标\n绩\n效".as_bytes(),
            "项目名称\t一级指标\t二级指标\t三级指标\t指标值\n甲".as_bytes(),
        ] {
            check(*format, input);
        }
    }
}
