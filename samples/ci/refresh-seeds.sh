#!/usr/bin/env bash
# Refreshes seed folders from a database and writes what changed, as Markdown, for a pull-request body.
#
#   refresh-seeds.sh BODY.md SEED_FOLDER...
#
# Environment:
#   PGSEED_CONNECTION, PGPASSWORD  the database to export from (e.g. staging); the password only ever in PGPASSWORD
#   PGSEED_REFRESH                 the command that rewrites the seed folders (default: dotnet build -t:PgSeedExport,
#                                  which exports every PgSeed item of the project in the current folder)
#   PGSEED                         how to run pgseed (default: pgseed, the dotnet tool)
#
# Exit status: 0 nothing changed, 3 the seeds changed (BODY.md holds the diff), anything else a failure (a
# failed export leaves every seed folder as it was: PgSeed replaces a folder only with a complete export).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BODY.md SEED_FOLDER..." >&2
  exit 2
fi
body=$1
shift
pgseed=${PGSEED:-pgseed}
refresh=${PGSEED_REFRESH:-dotnet build -t:PgSeedExport}

# The seeds as they are now, to compare with after the refresh.
before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
i=0
for seed in "$@"; do
  i=$((i + 1))
  if [[ -f "$seed/pgseed.json" ]]; then cp -R "$seed" "$before/$i"; fi
done

bash -c "$refresh"

{
  echo "## Seed refresh"
  echo
  echo "Exported again from \`${PGSEED_SOURCE_NAME:-the source database}\` on $(date -u +%Y-%m-%d)."
  echo
} > "$body"
changed=0
i=0
for seed in "$@"; do
  i=$((i + 1))
  if [[ ! -d "$before/$i" ]]; then
    printf '### New seed: `%s`\n\n' "$seed" >> "$body"
    changed=1
    continue
  fi
  set +e
  $pgseed diff "$before/$i" "$seed" --format markdown --exit-code > "$before/diff.md"
  status=$?
  set -e
  case $status in
    0) ;;
    3) changed=1; sed "s|$before/$i|$seed|g" "$before/diff.md" >> "$body" ;;
    *) exit "$status" ;;
  esac
done

if [[ $changed -eq 0 ]]; then
  echo "The seeds are up to date."
  exit 0
fi
echo "The seeds changed; see $body."
exit 3
