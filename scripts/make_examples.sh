#!/usr/bin/env bash
# Regenerates the committed example reports with nandoctor itself:
#   reports/demo/              `nandoctor demo --verify on`: the founding case, 10,000 steps, every fix re-run
#                              and the learning rate sized (a few minutes)
#   reports/seed_341_answer/   the accepted answer's variant: 500,000 steps, fixes re-run (several minutes)
#   reports/healthy_mlp/       a healthy 784-256-10 MLP (benchmarks/mlp.py), 96 steps
#   reports/screenshots/       the three pages at 1440x900 and 390x844 (scripts/report_screenshots.py)
# Each folder keeps report.html, summary.png and findings.json. The saved session (what
# `nandoctor report DIR` re-renders from) is kept only when its raw chunks are small; otherwise all
# session files go, so nobody re-renders an incomplete session over a good report.
# Usage: scripts/make_examples.sh [path/to/seed_341_answer.py]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
answer="${1:-../shared/seed/seed_341_answer.py}"  # relative: the reports show no machine paths
max_session_kb=4096
cd "$root"
status=0
python -m nandoctor demo --verify on -o reports/demo > /dev/null || status=$?
python -m nandoctor run --verify on -o reports/seed_341_answer "$answer" > /dev/null || status=$?
python -m nandoctor run -o reports/healthy_mlp benchmarks/mlp.py > /dev/null || status=$?
for d in reports/demo reports/seed_341_answer reports/healthy_mlp; do
  rm -f "$d"/*.tmp
  kb=$(du -sck "$d/chunks" "$d/compact.npz" 2>/dev/null | tail -n 1 | cut -f1 || echo 0)
  if [ "${kb:-0}" -gt "$max_session_kb" ]; then
    rm -rf "$d/chunks" "$d/compact.npz" "$d/session.json" "$d/sites.json" "$d/events.json" "$d/analysis.json"
  fi
done
python scripts/report_screenshots.py || status=$?
ls -l reports/demo reports/seed_341_answer reports/healthy_mlp reports/screenshots
exit "$status"
