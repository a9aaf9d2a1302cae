#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, pg_ctl) are on this machine, installing them with
# apt-get when we can. Sourced by test.sh and demo.sh. Skipped when PGSEED_TEST_CONNECTION names a server.
set -euo pipefail

pgseed_find_pg_bin() {
  if [[ -n "${PGSEED_PG_BIN:-}" && -x "$PGSEED_PG_BIN/initdb" ]]; then echo "$PGSEED_PG_BIN"; return 0; fi
  # PGSEED_PG_MAJOR picks one of several installed majors (the tests' local cluster honours it too).
  if [[ -n "${PGSEED_PG_MAJOR:-}" ]]; then
    [[ -x "/usr/lib/postgresql/$PGSEED_PG_MAJOR/bin/initdb" ]] && { echo "/usr/lib/postgresql/$PGSEED_PG_MAJOR/bin"; return 0; }
    return 1
  fi
  if command -v pg_config >/dev/null 2>&1; then
    local d; d="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
  fi
  # Glob order is lexical; pick the highest major version.
  best="$(for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && echo "$d"; done | sort -V | tail -n1)"
  [[ -n "$best" ]] && { echo "$best"; return 0; }
  return 1
}

pgseed_ensure_postgres() {
  if [[ -n "${PGSEED_TEST_CONNECTION:-}" ]]; then return 0; fi
  if pgseed_find_pg_bin >/dev/null; then return 0; fi
  echo "PostgreSQL server binaries not found; installing them with apt-get..." >&2
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql${PGSEED_PG_MAJOR:+-$PGSEED_PG_MAJOR}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql${PGSEED_PG_MAJOR:+-$PGSEED_PG_MAJOR}" >/dev/null
  fi
  if ! pgseed_find_pg_bin >/dev/null; then
    echo "error: PostgreSQL server binaries (initdb, pg_ctl) are missing and could not be installed." >&2
    echo "       Install PostgreSQL (e.g. 'apt-get install -y postgresql'), set PGSEED_PG_BIN to its bin directory," >&2
    echo "       or set PGSEED_TEST_CONNECTION to an existing server's connection string." >&2
    exit 1
  fi
}
