#!/usr/bin/env bash
# Starts a local PostgreSQL for the state tests and prints its URL (for KAFKA_OPS_POSTGRES_URL).
# Uses the Debian cluster tools, which run the server as the `postgres` user (PostgreSQL refuses
# to run as root): the default cluster of the installed version, listening on loopback only.
# Idempotent: an already running cluster, role or database is left as it is.
#   usage: devtools/postgres.sh [start|stop]     env: PG_PORT (default 5432)
set -euo pipefail
port=${PG_PORT:-5432}
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
[ -n "$version" ] || { echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
cluster=main
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sudo -u postgres sh -c "$*"; fi; }

case ${1:-start} in
  stop)
    pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  pg_createcluster "$version" "$cluster" --port "$port" >/dev/null
fi
conf=/etc/postgresql/$version/$cluster
# Loopback only, on the chosen port; password (scram) logins over TCP for the test role.
sed -i -e "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" -e "s/^#\?port = .*/port = $port/" "$conf/postgresql.conf"
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
  # A machine image saved with the server running leaves its socket lock behind; the server
  # refuses to start beside a lock whose process is gone.
  lock=/var/run/postgresql/.s.PGSQL.$port.lock
  if [ -f "$lock" ] && ! kill -0 "$(head -1 "$lock")" 2>/dev/null; then rm -f "$lock"; fi
  # Its "Removed stale pid file." goes to stdout, which is this script's answer: keep it off.
  pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$port" || { echo "postgres.sh: server did not come up on 127.0.0.1:$port" >&2; exit 1; }

as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'kafka_ops'\" | grep -q 1 || psql -p $port -qc \"CREATE ROLE kafka_ops LOGIN PASSWORD 'kafka_ops'\"" >&2
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'kafka_ops'\" | grep -q 1 || createdb -p $port -O kafka_ops kafka_ops" >&2
echo "postgresql://kafka_ops:kafka_ops@127.0.0.1:$port/kafka_ops"
