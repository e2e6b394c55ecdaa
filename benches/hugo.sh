#!/usr/bin/env bash
# Peer benchmark: Debian's hugo and disclose on the same generated declarations, run by run in
# alternation, with each build's wall time and peak memory. `cargo bench --bench build` does the
# work (it writes both sites from benches/support/sites.rs); this script only makes sure hugo is
# there. It prints numbers; it asserts nothing.
#
#   bash benches/hugo.sh                     1000, 10000, 100000x10 (+ nine years archived)
#   bash benches/hugo.sh 10000 --runs 5      one size, five runs of each
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hugo >/dev/null || {
    echo "hugo not found: install it with apt-get install hugo (Debian's 0.111 is the reference)" >&2
    exit 2
}
exec cargo bench --quiet --bench build -- "$@"
