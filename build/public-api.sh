#!/usr/bin/env bash
# Rewrites each shipped project's PublicAPI.Unshipped.txt to exactly its public surface today (what the public API
# analyzer reports as undeclared once the file is emptied). Review the diff: every added line is a promise to users.
# Nothing is shipped yet (0.x), so PublicAPI.Shipped.txt stays empty until the first release moves the lines there.
set -euo pipefail
cd "$(dirname "$0")/.."
projects=$(ls -d src/*/ | sed 's#/$##' | while read -r d; do ls "$d"/*.csproj > /dev/null 2>&1 && echo "$d"; done) # projects only (src/Shared holds linked files)
for p in $projects; do
  [ -f "$p/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$p/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$p/PublicAPI.Unshipped.txt"
done
log=$(mktemp)
dotnet build PgSeed.sln -c Release --no-incremental -p:TreatWarningsAsErrors=false -v q > "$log" 2>&1 || { cat "$log"; exit 1; }
for p in $projects; do
  name=$(basename "$p")
  { printf '#nullable enable\n'
    { grep "warning RS0016" "$log" || true; } | { grep "/$name/$name.csproj\]" || true; } \
      | sed -E "s/.*Symbol '(.*)' is not part of the declared public API.*/\1/" | LC_ALL=C sort -u
  } > "$p/PublicAPI.Unshipped.txt"
  echo "$name: $(($(wc -l < "$p/PublicAPI.Unshipped.txt") - 1)) public symbols"
done
rm -f "$log"
