#!/usr/bin/env bash
# Peer benchmark: times Debian's `hugo` on a site of N pages shaped like disclose's declaration
# pages (a header table, a goal paragraph and five indicator rows each, plus a year list), next to
# `cargo bench --bench build -- N` for disclose. It prints numbers; it asserts nothing.
#
#   bash benches/hugo.sh [N...]        default: 1000 10000
# Needs hugo (apt-get install hugo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hugo >/dev/null || { echo "hugo not found: apt-get install hugo" >&2; exit 2; }
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in "${sizes[@]}"; do
    site=$work/hugo-$n
    mkdir -p "$site/content/2023" "$site/layouts/_default"
    cat >"$site/hugo.toml" <<'TOML'
baseURL = "/"
title = "基准测试"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
TOML
    cat >"$site/layouts/_default/single.html" <<'HTML'
<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>
<h1>{{ .Title }}</h1><table><tr><th>主管部门</th><td>{{ .Params.department }}</td><th>年度资金申请总额</th><td>{{ .Params.annual }}</td></tr></table>
<section>{{ .Content }}</section>
<table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr></thead><tbody>
{{ range .Params.indicators }}<tr><th>{{ .level1 }}</th><th>{{ .level2 }}</th><th>{{ .name }}</th><td>{{ .target }}</td></tr>{{ end }}
</tbody></table></main></body></html>
HTML
    cat >"$site/layouts/_default/list.html" <<'HTML'
<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>
<table>{{ range .Pages }}<tr><th><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ .Params.annual }}</td></tr>{{ end }}</table></main></body></html>
HTML
    for ((i = 0; i < n; i++)); do
        {
            printf -- '---\ntitle: "项目%d号：科普与学术交流"\ndepartment: "部门%d"\nannual: "%d,%03d.50"\nindicators:\n' "$i" $((i % 200)) $((1 + i % 900)) $((i % 1000))
            for p in 0 1 2 3 4; do
                printf '  - {level1: "产出指标", level2: "数量指标", name: "指标%d", target: "≥%d.00(项)"}\n' "$p" "$p"
            done
            printf -- '---\n围绕中心工作，组织开展第%d项科普活动，提升公民科学素质。\n' "$i"
        } >"$site/content/2023/p-$(printf %06d "$i").md"
    done
    start=$(date +%s%N)
    hugo --quiet --source "$site" --destination "$site/public" >/dev/null
    end=$(date +%s%N)
    printf 'hugo     %7d pages: %8.1f ms\n' "$n" "$(echo "($end - $start) / 1000000" | bc -l)"
done
echo "disclose (same sizes):"
cargo bench --quiet --bench build -- "${sizes[@]}"
