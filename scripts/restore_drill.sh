#!/usr/bin/env bash
# Restore drill: dump the configured PostgreSQL database (pg_dump custom format), restore the
# dump into a scratch database, compare the row count of every table between the two, and drop
# the scratch database. Exits non-zero, naming the tables, on any difference; the scratch
# database and the dump are removed whatever happens.
#
#   DATABASE_URL=postgres://user:pass@host:5432/learner_manager ./scripts/restore_drill.sh
#
# DATABASE_URL defaults to the one in .env beside manage.py. KEEP_DUMP=path keeps the dump
# there (a drill that is also a backup). RESTORE_DRILL_AFTER_RESTORE_SQL runs SQL against the
# restored copy before the comparison: the test suite uses it to prove a difference fails.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "${DATABASE_URL:-}" && -f "$here/.env" ]]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$here/.env" | tail -n 1)"
fi
url="${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to drill}"
case "$url" in
  postgres://*|postgresql://*) ;;
  *) echo "restore drill: DATABASE_URL is not PostgreSQL ($url)" >&2; exit 2 ;;
esac

# postgres://user:pass@host:port/dbname?options -> the server part, the name, the options.
query=""
[[ "$url" == *\?* ]] && query="?${url#*\?}"
no_query="${url%%\?*}"
server="${no_query%/*}"
source_db="${no_query##*/}"
scratch_db="${source_db}_restore_drill_$$"
scratch_url="${server}/${scratch_db}${query}"
admin_url="${server}/postgres${query}"

workdir="$(mktemp -d)"
dump="$workdir/${source_db}.dump"
cleanup() {
  psql "$admin_url" -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$scratch_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

# One row per table of the public schema: "name<TAB>exact row count", sorted by name.
count_rows() {
  psql "$1" -At -F $'\t' -v ON_ERROR_STOP=1 -c "
    SELECT table_name,
           (xpath('/row/c/text()', query_to_xml(
              format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
              false, true, '')))[1]::text::bigint
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}

started=$(date +%s)
echo "restore drill: dumping $source_db"
pg_dump --format=custom --no-owner --no-privileges --file="$dump" "$url"
if [[ -n "${KEEP_DUMP:-}" ]]; then cp "$dump" "$KEEP_DUMP"; echo "restore drill: dump kept at $KEEP_DUMP"; fi
echo "restore drill: restoring into scratch database $scratch_db"
psql "$admin_url" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$scratch_db\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$dump"
if [[ -n "${RESTORE_DRILL_AFTER_RESTORE_SQL:-}" ]]; then
  psql "$scratch_url" -q -v ON_ERROR_STOP=1 -c "$RESTORE_DRILL_AFTER_RESTORE_SQL" >/dev/null
fi

count_rows "$url" >"$workdir/source.tsv"
count_rows "$scratch_url" >"$workdir/restored.tsv"
tables=$(wc -l <"$workdir/source.tsv")
if [[ "$tables" -eq 0 ]]; then
  echo "restore drill: FAILED: $source_db has no tables to compare" >&2
  exit 1
fi
if ! diff -u --label "$source_db" --label "$scratch_db (restored)" \
    "$workdir/source.tsv" "$workdir/restored.tsv" >"$workdir/diff.txt"; then
  echo "restore drill: FAILED: row counts differ after restore (table<TAB>rows):" >&2
  cat "$workdir/diff.txt" >&2
  exit 1
fi
rows=$(awk -F'\t' '{s += $2} END {print s}' "$workdir/source.tsv")
echo "restore drill: OK: $tables tables, $rows rows, row counts match" \
  "($(( $(date +%s) - started )) s, dump $(du -h "$dump" | cut -f1))"
