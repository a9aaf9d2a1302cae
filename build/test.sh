#!/usr/bin/env bash
# Runs every test against a real PostgreSQL (a throwaway local cluster, or PGSEED_TEST_CONNECTION)
# and ends with "N passed, N failed[, N skipped]" summed over the TRX results. The container tests also need a Docker
# engine: build/ensure-docker.sh starts one where this workplace's shared tool can; elsewhere they report skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
source build/ensure-postgres.sh
pgseed_ensure_postgres
source build/ensure-docker.sh
pgseed_ensure_docker
# The sourced helpers turn on errexit; a failing test run must still reach the summary line below.
set +e

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build PgSeed.sln -c Release -nologo -v q
build_status=$?
if [[ $build_status -ne 0 ]]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test PgSeed.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" 2>&1 | grep -vE '^\s*$'
test_status=${PIPESTATUS[0]}

python3 - "$results" <<'PY' || exit 1
import glob, re, sys
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    text = open(f, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*>', text)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # Skipped tests (xUnit v3 Assert.Skip) are results with outcome NotExecuted; the Counters element leaves them out.
    skipped += len(re.findall(r'<UnitTestResult [^>]*outcome="NotExecuted"', text))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
if not files or passed + failed == 0:
    print("no test results found", file=sys.stderr)
    sys.exit(1)
PY
summary_status=$?
if [[ $test_status -ne 0 || $summary_status -ne 0 ]]; then exit 1; fi
