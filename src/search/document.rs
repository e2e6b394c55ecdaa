//! One declaration as the index sees it: the searched fields as plain text, and its page.
//!
//! Built from the model for live years ([`SearchDoc::from_declaration`]) and from the frozen page
//! for archived years (`super::archived`). The same record, as JSON, is the declaration's result
//! fragment: the browser confirms a match against these texts, highlights it and cuts the excerpt
//! from them, so the fields here are exactly the ones the postings were built from.

use serde::Serialize;

use crate::markdown::to_plain_text;
use crate::model::Declaration;

/// The searched text of one declaration. Serialized with one-letter keys (it is sent to readers'
/// browsers once per result): `s` slug, `n` 项目名称, `d` 主管部门, `i` 实施单位, `g` goals
/// (项目总目标, 年度总体目标; empty when not given), `k` indicator names (三级指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchDoc {
    /// The page is `YEAR/SLUG/`.
    #[serde(rename = "s")]
    pub slug: String,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "d")]
    pub department: String,
    #[serde(rename = "i")]
    pub implementer: String,
    /// Always two entries: the overall goal and the annual goal, as plain text.
    #[serde(rename = "g")]
    pub goals: [String; 2],
    #[serde(rename = "k")]
    pub indicators: Vec<String>,
}

impl SearchDoc {
    /// The searched fields of a declaration; goals lose their Markdown.
    pub fn from_declaration(declaration: &Declaration) -> SearchDoc {
        let plain =
            |markdown: &Option<String>| markdown.as_deref().map(to_plain_text).unwrap_or_default();
        SearchDoc {
            slug: declaration.slug.clone(),
            name: declaration.name.clone(),
            department: declaration.department.clone(),
            implementer: declaration.implementer.clone().unwrap_or_default(),
            goals: [
                plain(&declaration.goals.overall),
                plain(&declaration.goals.annual),
            ],
            indicators: declaration
                .indicators
                .iter()
                .map(|indicator| indicator.name.clone())
                .collect(),
        }
    }

    /// Every searched field with whether it is the 项目名称 (whose matches rank first). Each field
    /// is indexed on its own, so no term spans two of them.
    pub fn fields(&self) -> impl Iterator<Item = (&str, bool)> {
        let rest = [&self.department, &self.implementer]
            .into_iter()
            .chain(self.goals.iter())
            .chain(self.indicators.iter())
            .map(|text| (text.as_str(), false));
        std::iter::once((self.name.as_str(), true)).chain(rest)
    }
}
