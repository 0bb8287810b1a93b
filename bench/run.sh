#!/usr/bin/env bash
# `npm run bench`: every benchmark part of issue 9, one after another (each needs
# the machine to itself: timings of parts run together would measure each other),
# then reports/bench.md and reports/bench.json. A failing part is reported as
# missing and makes the exit status non-zero; the others still run.
# Extra arguments go to the national day, e.g. `npm run bench -- --territories 40`.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(($(date +%s) * 1000))
# script:part — the bench script and the part id it writes (reports/bench/<part>.json).
parts=(cold-start:cold-start middleware-overhead:middleware cost-model:cost local-throughput:local-throughput national-day:national-day)
status=0
# One synthesis for every part: the bundles measured are the ones the local runtime runs.
npx cdk synth --quiet > /dev/null || exit 1
ids=()
for entry in "${parts[@]}"; do
  script="${entry%%:*}"
  ids+=("${entry##*:}")
  echo "── bench: ${script}"
  if [ "$script" = national-day ]; then
    npx tsx "bench/${script}.ts" "$@" || { echo "bench ${script} failed" >&2; status=1; }
  else
    npx tsx "bench/${script}.ts" || { echo "bench ${script} failed" >&2; status=1; }
  fi
done
npx tsx bench/write-report.ts "$started" "${ids[@]}" || status=1
exit "$status"
