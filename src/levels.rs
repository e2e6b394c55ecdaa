//! The indicator framework of the Ministry of Finance (财政部): which 一级指标 exist and which
//! 二级指标 belong under each. Both the importer (to tell level cells from indicator names in a
//! shifted row) and the validator (to reject unknown 一级 and warn on misplaced 二级) use it, so it
//! lives in one place.

/// 一级指标 with their 二级指标, covering the old and the current forms.
pub const FRAMEWORK: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
];

/// Is `name` a known 一级指标?
pub fn is_level1(name: &str) -> bool {
    FRAMEWORK.iter().any(|(level1, _)| *level1 == name)
}

/// Is `name` a known 二级指标 under any 一级?
pub fn is_level2(name: &str) -> bool {
    FRAMEWORK.iter().any(|(_, level2s)| level2s.contains(&name))
}

/// Does 二级 `level2` belong under 一级 `level1`?
pub fn belongs_under(level1: &str, level2: &str) -> bool {
    FRAMEWORK
        .iter()
        .any(|(known1, level2s)| *known1 == level1 && level2s.contains(&level2))
}

/// The 一级 names, in framework order, for messages that list the accepted values.
pub fn level1_names() -> Vec<&'static str> {
    FRAMEWORK.iter().map(|(level1, _)| *level1).collect()
}

/// The 二级 names that belong under `level1` (empty when `level1` is unknown).
pub fn level2_names(level1: &str) -> &'static [&'static str] {
    FRAMEWORK
        .iter()
        .find(|(known1, _)| *known1 == level1)
        .map(|(_, level2s)| *level2s)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_both_a_level1_and_a_level2_name() {
        // 成本指标 is a 一级 in the current form and a 二级 under 产出指标 in the old one.
        assert!(is_level1("成本指标"));
        assert!(is_level2("成本指标"));
        assert!(belongs_under("产出指标", "成本指标"));
    }

    #[test]
    fn misplaced_level2_is_detected() {
        assert!(belongs_under("效益指标", "社会效益指标"));
        assert!(!belongs_under("产出指标", "社会效益指标"));
        assert!(!is_level1("质量指标"));
    }
}
