#!/usr/bin/env bash
# Packs every PgSeed package into artifacts/packages (or $1), all with the one version set in
# Directory.Build.props: PgSeed.Engine, PgSeed.Testing.Core (any test framework), PgSeed.Testing (xUnit v3),
# PgSeed.Testing.Testcontainers (container servers), PgSeed.Testing.EntityFrameworkCore (EF Core), PgSeed.Cli (dotnet tool `pgseed`), PgSeed.MSBuild.
# Extra arguments go to `dotnet pack` (e.g. -p:Version=0.1.1-ci.7 to stamp a pre-release).
# --native (first or after the folder) also packs PgSeed.Cli.Native, the `pgseed` tool compiled ahead of time: its
# pointer package and the RID-specific package of this machine (Native AOT cannot cross-compile between operating
# systems; pack the other RIDs on their own OS with -p:ToolPackageRuntimeIdentifiers=... set alike). Takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(pwd)/artifacts/packages"
if [[ $# -gt 0 && "$1" != -* ]]; then out="$(realpath -m "$1")"; shift; fi
native=false
if [[ $# -gt 0 && "$1" == "--native" ]]; then native=true; shift; fi
rm -rf "$out"
mkdir -p "$out"

for project in src/PgSeed.Engine src/PgSeed.Testing.Core src/PgSeed.Testing src/PgSeed.Testing.Testcontainers src/PgSeed.Testing.EntityFrameworkCore src/PgSeed.Cli src/PgSeed.MSBuild; do
  echo "packing $project"
  dotnet pack "$project" -c Release -o "$out" -nologo -v q -nodeReuse:false -p:ContinuousIntegrationBuild=true "$@"
done

if $native; then
  rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
  echo "packing src/PgSeed.Cli.Native (Native AOT, $rid)"
  dotnet pack src/PgSeed.Cli.Native -c Release -o "$out" -nologo -v q -nodeReuse:false -p:ContinuousIntegrationBuild=true "$@"
  dotnet pack src/PgSeed.Cli.Native -c Release -r "$rid" -o "$out" -nologo -v q -nodeReuse:false -p:ContinuousIntegrationBuild=true "$@"
fi

ls -1 "$out"
