#!/usr/bin/env bash
# Gives the container tests (tests/PgSeed.Testing.Testcontainers.Tests) and the version matrix (PGSEED_TEST_MATRIX, see
# test.sh) a Docker engine where this workplace's shared tool can start one: shared/tools/docker-postgres.sh, next to the
# repository (../shared/tools) or at /work/shared/tools. Sourced by test.sh. The tool prints export lines (DOCKER_HOST,
# PGSEED_TEST_POSTGRES_IMAGE, TESTCONTAINERS_*, and with --majors PGSEED_TEST_POSTGRES_IMAGES: an image per major),
# passed through its documented safe eval form. Without the tool, or when it fails, nothing changes: the container tests
# report themselves skipped with the reason, the matrix's majors are counted as skipped with PGSEED_MATRIX_UNAVAILABLE
# (the reason), and the other tests run as usual (no Docker needed for them).

pgseed_ensure_docker() {
  local matrix="${1:-}"
  if [[ "${PGSEED_SKIP_DOCKER:-}" == "1" ]]; then
    export PGSEED_MATRIX_UNAVAILABLE="PGSEED_SKIP_DOCKER=1"
    return 0
  fi
  local script="" candidate
  for candidate in "../shared/tools/docker-postgres.sh" "/work/shared/tools/docker-postgres.sh"; do
    if [[ -f "$candidate" ]]; then script="$candidate"; break; fi
  done
  if [[ -z "$script" ]]; then
    # Elsewhere the matrix runs where the caller gives a Docker engine and PGSEED_TEST_POSTGRES_IMAGES (e.g. postgres:17,postgres:18).
    [[ -n "${PGSEED_TEST_POSTGRES_IMAGES:-}" ]] ||
      export PGSEED_MATRIX_UNAVAILABLE="no Docker engine was started (shared/tools/docker-postgres.sh is not here; set PGSEED_TEST_POSTGRES_IMAGES and DOCKER_HOST to run it)"
    return 0
  fi
  echo "Starting a Docker engine for the container tests${matrix:+ and the version matrix ($matrix)} ($script)..." >&2
  local envs
  if [[ -n "$matrix" ]] && envs="$(bash "$script" --majors "15,$matrix")"; then
    eval "$envs"
    return 0
  fi
  [[ -n "$matrix" ]] && echo "warning: $script --majors 15,$matrix failed; trying without the matrix images." >&2
  if ! envs="$(bash "$script")"; then
    echo "warning: $script failed; the container tests and the version matrix will be skipped." >&2
    export PGSEED_MATRIX_UNAVAILABLE="no Docker engine could be started ($script failed; its messages are above)"
    return 0
  fi
  eval "$envs"
  [[ -n "$matrix" ]] && export PGSEED_MATRIX_UNAVAILABLE="the images of PostgreSQL $matrix could not be built ($script --majors failed; its messages are above)"
  return 0
}
