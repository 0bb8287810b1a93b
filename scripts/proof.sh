#!/usr/bin/env bash
# `npm run proof`: the reliability and security proofs (test files proof-*.test.ts)
# at their report sizes, then reports/reliability.md from the figures they
# recorded. The report is written even when a proof fails (its figure is then
# missing); the exit status is the tests'.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(($(date +%s) * 1000))
TANDEM_PROOF_SCALE=report npx jest --selectProjects infra integration --testPathPatterns 'proof-' "$@"
status=$?
npx tsx scripts/proof-report.ts "$started"
exit "$status"
