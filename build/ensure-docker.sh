#!/usr/bin/env bash
# Gives the container tests (tests/PgSeed.Testing.Testcontainers.Tests) a Docker engine where this workplace's shared
# tool can start one: shared/tools/docker-postgres.sh, next to the repository (../shared/tools) or at /work/shared/tools.
# Sourced by test.sh. It prints export lines (DOCKER_HOST, PGSEED_TEST_POSTGRES_IMAGE, TESTCONTAINERS_*), passed through
# its documented safe eval form. Without the tool, or when it fails, nothing changes: the container tests report
# themselves skipped with the reason, and the other tests run as usual (no Docker needed for them).

pgseed_ensure_docker() {
  if [[ "${PGSEED_SKIP_DOCKER:-}" == "1" ]]; then return 0; fi
  local script="" candidate
  for candidate in "../shared/tools/docker-postgres.sh" "/work/shared/tools/docker-postgres.sh"; do
    if [[ -f "$candidate" ]]; then script="$candidate"; break; fi
  done
  [[ -n "$script" ]] || return 0
  echo "Starting a Docker engine for the container tests ($script)..." >&2
  local envs
  envs="$(bash "$script")" || { echo "warning: $script failed; the container tests will be skipped." >&2; return 0; }
  eval "$envs"
}
