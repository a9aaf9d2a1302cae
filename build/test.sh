#!/usr/bin/env bash
# Runs every test against a real PostgreSQL (a throwaway local cluster, or PGSEED_TEST_CONNECTION), then the version
# matrix: the tests marked [Trait("Category", "Matrix")] (engine export/import/verify, schema.sql, fixtures and resets;
# see docs/architecture.md, "PostgreSQL versions") again against each major of PGSEED_TEST_MATRIX (default 17,18,13; 13 is
# below the supported floor and checks that it still works or fails clearly), each in a container of that major
# (PGSEED_TEST_SERVER=container with the major's image from PGSEED_TEST_POSTGRES_IMAGES). Ends with
# "N passed, N failed[, N skipped]" summed over the TRX results of every pass; a major that cannot run here (no Docker
# engine, no image) counts its matrix tests as skipped and says why. Arguments go to the main pass (e.g. --filter ...);
# with arguments the matrix runs only when PGSEED_TEST_MATRIX is set. The container tests and the matrix need a Docker
# engine: build/ensure-docker.sh starts one where this workplace's shared tool can; elsewhere they report skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ $# -gt 0 && -z "${PGSEED_TEST_MATRIX+set}" ]]; then matrix=""; else matrix="${PGSEED_TEST_MATRIX-17,18,13}"; fi
matrix="${matrix// /}"
source build/ensure-postgres.sh
pgseed_ensure_postgres
source build/ensure-docker.sh
pgseed_ensure_docker "$matrix"
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

# The projects whose tests carry the Matrix trait.
matrix_projects=(tests/PgSeed.Engine.Tests tests/PgSeed.Testing.Tests)

# The image of a major from PGSEED_TEST_POSTGRES_IMAGES (e.g. pgseed-local/postgres:17 or postgres:17-alpine).
matrix_image() {
  local image
  for image in ${PGSEED_TEST_POSTGRES_IMAGES//,/ }; do
    [[ "${image##*:}" =~ ^$1([^0-9]|$) ]] && { echo "$image"; return 0; }
  done
  return 1
}

# How many matrix tests a skipped major leaves out (xUnit v3 test executables list their tests by trait).
matrix_test_count() {
  local project count=0 n
  for project in "${matrix_projects[@]}"; do
    n="$(dotnet "$project/bin/Release/net10.0/$(basename "$project").dll" -list tests -trait "Category=Matrix" 2>/dev/null | grep -c .)"
    count=$((count + n))
  done
  echo "$count"
}

# One project's matrix tests against one major; its exit status is dotnet test's.
matrix_pass() {
  PGSEED_TEST_SERVER=container PGSEED_TEST_POSTGRES_IMAGE="$2" \
    dotnet test "$3" -c Release --no-build -nologo --filter "Category=Matrix" \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results/pg$1" 2>&1 |
    grep -vE '^\s*$' | sed "s/^/[PostgreSQL $1] /"
  return "${PIPESTATUS[0]}"
}

for major in ${matrix//,/ }; do
  if ! image="$(matrix_image "$major")"; then
    reason="${PGSEED_MATRIX_UNAVAILABLE:-no image of PostgreSQL $major in PGSEED_TEST_POSTGRES_IMAGES}"
    count="$(matrix_test_count)"
    printf '%s\t%s\n' "$count" "PostgreSQL $major: $reason" > "$results/pg$major.skipped"
    echo "PostgreSQL $major: $count matrix tests skipped: $reason"
    continue
  fi
  echo "PostgreSQL $major: the matrix tests in a container of $image"
  # The projects run side by side (as dotnet test of the solution runs them), each with a container of its own.
  pids=()
  for project in "${matrix_projects[@]}"; do
    matrix_pass "$major" "$image" "$project" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || test_status=1; done
done

python3 - "$results" <<'PY' || exit 1
import glob, os, re, sys
import xml.etree.ElementTree as ET
root = sys.argv[1]
def count(files):
    passed = failed = skipped = 0
    for f in files:
        text = open(f, encoding="utf-8").read()
        m = re.search(r'<Counters [^>]*>', text)
        if not m: continue
        c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
        passed += int(c.get("passed", 0))
        failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
        # Skipped tests (xUnit v3 Assert.Skip) are results with outcome NotExecuted; the Counters element leaves them out.
        skipped += len(re.findall(r'<UnitTestResult [^>]*outcome="NotExecuted"', text))
    return passed, failed, skipped
files = glob.glob(root + "/**/*.trx", recursive=True)
passed, failed, skipped = count(files)
# One line per matrix major, then the total over every pass (and the majors that could not run).
for major in sorted({os.path.basename(d) for d in glob.glob(root + "/pg*") if os.path.isdir(d)}):
    p, f, s = count(glob.glob(f"{root}/{major}/**/*.trx", recursive=True))
    below = " (below the supported floor, 14)" if int(major[2:]) < 14 else ""
    print(f"PostgreSQL {major[2:]}{below}: {p} passed, {f} failed, {s} skipped (the matrix tests, in a container)")
for f in sorted(glob.glob(root + "/*.skipped")):
    n, reason = open(f, encoding="utf-8").read().strip().split("\t", 1)
    skipped += int(n)
    print(f"{reason}: {n} matrix tests skipped")
# The failed tests by name, with the first lines of their message, so the tail of a CI log says what broke.
failures = []
for f in sorted(files):
    for result in ET.parse(f).getroot().iter():
        if not result.tag.endswith("UnitTestResult") or result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"): continue
        message = next((e.text or "" for e in result.iter() if e.tag.endswith("Message")), "")
        failures.append((os.path.relpath(f, root), result.get("testName"), message.strip().splitlines()[:6]))
for trx, name, lines in failures:
    print(f"FAILED {name} ({trx})")
    for line in lines: print(f"    {line}")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
if not files or passed + failed == 0:
    print("no test results found", file=sys.stderr)
    sys.exit(1)
PY
summary_status=$?
if [[ $test_status -ne 0 || $summary_status -ne 0 ]]; then exit 1; fi
