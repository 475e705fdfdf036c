#!/bin/sh
# The fault table (issue 20, campaign item 2): runs the fault-injection tests
# (test/fault_*.test.ts) on a real SQLite file and, when it answers, the real
# PostgreSQL server, and prints one row per fault: what was acknowledged, what of
# it was lost after recovery, and what `verify` said then. The disk-full rows
# need root (they mount a small tmpfs); without it those tests are skipped.
#   sh scripts/fault_table.sh        (SCO_SETTLE_TEST_POSTGRES=postgres://… to require PostgreSQL)
set -e
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
echo '| fault | acknowledged payments | lost | verify after recovery | note |'
echo '|---|---|---|---|---|'
node --test dist/test/fault_*.test.js | sed -n 's/^# FAULT | \(.*\)$/| \1 |/p'
