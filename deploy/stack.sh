#!/usr/bin/env bash
# `make stack`, `make stack-stop`, `make stack-status`: the production topology on one machine,
# from Debian packages, as processes of the invoking user under var/ (docs/operations.md).
#
#   nginx 127.0.0.1:8080 (page cache; purge listener 127.0.0.1:8081)
#     -> gunicorn 127.0.0.1:8001 and :8002 -> PostgreSQL, Redis
#   Celery worker and beat (every periodic job), all under a private supervisord;
#   Prometheus 127.0.0.1:9090 (alert rules from deploy/prometheus) scraping both nodes, the worker
#   and the node exporter (127.0.0.1:9100), when Debian's prometheus packages are installed.
#
# DATABASE_URL / REDIS_URL: used when set; otherwise a private PostgreSQL (port 5439) and Redis
# (port 6389) are started under var/stack and stopped again by stack-stop.
# PayPal: with PAYPAL_MODE=sandbox|live and PAYPAL_CLIENT_ID/PAYPAL_CLIENT_SECRET, real PayPal and
# bookshop.settings.production. Otherwise the PayPal simulator runs as a supervisord program on
# 127.0.0.1:8090 and the site uses bookshop.settings.stack_demo: checkout works offline, and no
# real money moves.
set -euo pipefail
cd "$(dirname "$0")/.."

export BOOKSHOP_DIR="$PWD"
export BOOKSHOP_STATE_DIR="$BOOKSHOP_DIR/var/stack"
export BOOKSHOP_LOG_DIR="$BOOKSHOP_DIR/var/log"
export BOOKSHOP_ENV_FILE="$BOOKSHOP_STATE_DIR/stack.env"
PUBLIC=127.0.0.1:8080
PURGE=127.0.0.1:8081
PAYPAL_SIMULATOR=127.0.0.1:8090
export BOOKSHOP_PROMETHEUS=127.0.0.1:9090 BOOKSHOP_NODE_EXPORTER=127.0.0.1:9100
WORKER_METRICS=127.0.0.1:9808
PG_PORT=5439
REDIS_PORT=6389
PG_DIR="$BOOKSHOP_STATE_DIR/postgres"
SUPERVISOR_CONF="$BOOKSHOP_DIR/deploy/supervisor/stack.conf"
PY="$BOOKSHOP_DIR/.venv/bin/python"
# stack.conf's extra supervisor programs: the PayPal simulator when there is no real PayPal.
export BOOKSHOP_STACK_EXTRA_PROGRAMS=""

supervisorctl_() { supervisorctl -c "$SUPERVISOR_CONF" "$@"; }

# PostgreSQL refuses to run as root: then its own files belong to the postgres user.
as_db_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_private_postgres() {
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  if [ ! -s "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    as_db_owner "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust >/dev/null
  fi
  as_db_owner "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='bookshop'" | grep -q 1 ||
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bookshop
  echo "postgres" >> "$BOOKSHOP_STATE_DIR/started"
}

start_private_redis() {
  mkdir -p "$BOOKSHOP_STATE_DIR/redis"
  # The broker: append-only file, so tasks queued before a restart are still there after it.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --daemonize yes \
    --dir "$BOOKSHOP_STATE_DIR/redis" --pidfile "$BOOKSHOP_STATE_DIR/redis/redis.pid" \
    --logfile "$BOOKSHOP_LOG_DIR/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "redis" >> "$BOOKSHOP_STATE_DIR/started"
}

# Which PayPal: sets SETTINGS, PAYPAL_ENV (env file lines) and PAYPAL_SUMMARY, or refuses.
choose_paypal() {
  case "${PAYPAL_MODE:-simulator}" in
    simulator)
      SETTINGS=bookshop.settings.stack_demo
      BOOKSHOP_STACK_EXTRA_PROGRAMS=paypal-simulator.conf
      PAYPAL_ENV="PAYPAL_MODE=simulator
PAYPAL_API_BASE=http://$PAYPAL_SIMULATOR
PAYPAL_CLIENT_ID=stack-demo-client
PAYPAL_CLIENT_SECRET=stack-demo-secret
PAYPAL_WEBHOOK_ID=WH-STACK-DEMO"
      PAYPAL_SUMMARY="PayPal: simulator at http://$PAYPAL_SIMULATOR (demo settings $SETTINGS) — no real money" ;;
    sandbox | live)
      if [ -z "${PAYPAL_CLIENT_ID:-}" ] || [ -z "${PAYPAL_CLIENT_SECRET:-}" ]; then
        echo "PAYPAL_MODE=$PAYPAL_MODE needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET;" \
          "leave PAYPAL_MODE unset for the offline PayPal simulator."; exit 1
      fi
      SETTINGS=bookshop.settings.production
      PAYPAL_ENV="PAYPAL_MODE=$PAYPAL_MODE"
      local name
      for name in PAYPAL_CLIENT_ID PAYPAL_CLIENT_SECRET PAYPAL_WEBHOOK_ID; do
        [ -n "${!name:-}" ] && PAYPAL_ENV+=$'\n'"$(printf '%s=%q' "$name" "${!name}")"
      done
      PAYPAL_SUMMARY="PayPal: $PAYPAL_MODE (client $PAYPAL_CLIENT_ID, settings $SETTINGS) — real PayPal" ;;
    *)
      echo "PAYPAL_MODE=$PAYPAL_MODE: use sandbox or live (with PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET)," \
        "or leave it unset for the offline PayPal simulator."; exit 1 ;;
  esac
}

# Scrape every gunicorn node's /_/metrics directly (nginx refuses it), the worker and the machine.
render_prometheus_config() {
  mkdir -p "$BOOKSHOP_STATE_DIR/prometheus"
  cat > "$BOOKSHOP_STATE_DIR/prometheus/prometheus.yml" <<YAML
global: {scrape_interval: 15s, evaluation_interval: 15s}
rule_files: ["$BOOKSHOP_DIR/deploy/prometheus/alerts.yml"]
scrape_configs:
  - job_name: web
    metrics_path: /_/metrics
    static_configs: [{targets: ["127.0.0.1:8001", "127.0.0.1:8002"]}]
  - job_name: worker
    static_configs: [{targets: ["$WORKER_METRICS"]}]
  - job_name: node
    static_configs: [{targets: ["$BOOKSHOP_NODE_EXPORTER"]}]
  - job_name: prometheus
    static_configs: [{targets: ["$BOOKSHOP_PROMETHEUS"]}]
YAML
  promtool check config "$BOOKSHOP_STATE_DIR/prometheus/prometheus.yml" >/dev/null
}

start() {
  # Decided before anything starts, so a wrong PayPal setting changes nothing.
  choose_paypal
  if [ -S "$BOOKSHOP_STATE_DIR/supervisor.sock" ] && supervisorctl_ pid >/dev/null 2>&1; then
    echo "The stack is already running (make stack-status, make stack-stop)."; exit 1
  fi
  command -v nginx >/dev/null && command -v supervisord >/dev/null || {
    echo "Needs Debian packages: apt-get install nginx libnginx-mod-http-cache-purge supervisor postgresql redis-server"; exit 1; }
  mkdir -p "$BOOKSHOP_STATE_DIR" "$BOOKSHOP_LOG_DIR"
  : > "$BOOKSHOP_STATE_DIR/started"
  local database_url="${DATABASE_URL:-}" redis_url="${REDIS_URL:-}"
  if [ -z "$database_url" ]; then start_private_postgres; database_url="postgres://postgres@127.0.0.1:$PG_PORT/bookshop"; fi
  if [ -z "$redis_url" ]; then start_private_redis; redis_url="redis://127.0.0.1:$REDIS_PORT/0"; fi

  # The environment every process of the stack reads (supervisor programs source it).
  local secret_file="$BOOKSHOP_STATE_DIR/secret_key"
  [ -s "$secret_file" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > "$secret_file"
  cat > "$BOOKSHOP_ENV_FILE" <<ENV
DJANGO_SETTINGS_MODULE=$SETTINGS
SECRET_KEY=$(cat "$secret_file")
DATABASE_URL=$database_url
REDIS_URL=$redis_url
ALLOWED_HOSTS=127.0.0.1,localhost
SITE_BASE_URL=http://$PUBLIC
EDGE_CACHE_NODES=http://$PUBLIC
EDGE_CACHE_PURGE_URLS=http://$PURGE
EDGE_CACHE_UPSTREAMS=127.0.0.1:8001,127.0.0.1:8002
$PAYPAL_ENV
# Plain HTTP on loopback: no HTTPS redirect, HSTS or Secure-only cookies.
SECURE_SSL_REDIRECT=0
SECURE_HSTS_SECONDS=0
SECURE_COOKIES=0
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
BOOKSHOP_LOG_DIR=$BOOKSHOP_LOG_DIR
CELERY_METRICS_PORT=${WORKER_METRICS#*:}
ENV
  # SMTP settings the operator exported are passed on.
  local name
  for name in EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD; do
    [ -n "${!name:-}" ] && printf '%s=%q\n' "$name" "${!name}" >> "$BOOKSHOP_ENV_FILE"
  done
  # Loading data before nginx runs: nothing is cached yet, so nothing to purge.
  local manage=(env -i PATH="$PATH" HOME="${HOME:-/tmp}" bash -c "set -a; . '$BOOKSHOP_ENV_FILE'; EDGE_CACHE_PURGE_URLS=; set +a; exec \"\$@\"" _ "$PY" manage.py)
  echo "Preparing the database and static files..."
  "${manage[@]}" ensure_database
  "${manage[@]}" migrate --noinput >/dev/null
  "${manage[@]}" collectstatic --noinput >/dev/null
  "${manage[@]}" load_demo_data >/dev/null
  # Purges reach nginx with the Site's host: make it the address visitors use.
  "${manage[@]}" shell -c "from wagtail.models import Site; site = Site.objects.get(is_default_site=True); site.hostname, site.port = '${PUBLIC%:*}', ${PUBLIC#*:}; site.save()" >/dev/null
  "${manage[@]}" render_nginx_config --standalone --prefix "$BOOKSHOP_STATE_DIR/nginx" \
    --output "$BOOKSHOP_STATE_DIR/nginx/nginx.conf" --log-dir "$BOOKSHOP_LOG_DIR" --workers 2 >/dev/null
  nginx -p "$BOOKSHOP_STATE_DIR/nginx" -c "$BOOKSHOP_STATE_DIR/nginx/nginx.conf" -e stderr -t 2>/dev/null

  if command -v prometheus >/dev/null && command -v prometheus-node-exporter >/dev/null; then
    render_prometheus_config
    BOOKSHOP_STACK_EXTRA_PROGRAMS="$BOOKSHOP_STACK_EXTRA_PROGRAMS monitoring.conf"
    PROMETHEUS_SUMMARY="Prometheus:                           http://$BOOKSHOP_PROMETHEUS/  (targets: /targets, alerts: /alerts)"
  else
    PROMETHEUS_SUMMARY="Prometheus: not installed (apt-get install prometheus prometheus-node-exporter), no metrics kept"
  fi
  supervisord -c "$SUPERVISOR_CONF"
  echo "supervisord" >> "$BOOKSHOP_STATE_DIR/started"
  for _ in $(seq 90); do
    curl -fsS -o /dev/null "http://$PUBLIC/_/ready" 2>/dev/null && break; sleep 1
  done
  curl -fsS "http://$PUBLIC/_/ready"; echo
  if [[ "$BOOKSHOP_STACK_EXTRA_PROGRAMS" == *paypal-simulator.conf* ]] && ! curl -fsS -o /dev/null "http://$PAYPAL_SIMULATOR/_sim/state"; then
    echo "The PayPal simulator does not answer on $PAYPAL_SIMULATOR: see $BOOKSHOP_LOG_DIR/supervisor-paypal-simulator.log"
  fi
  cat <<EOF_URLS

  Shop (through the nginx page cache): http://$PUBLIC/
  Wagtail admin:                        http://$PUBLIC/admin/
  Oscar dashboard:                      http://$PUBLIC/dashboard/
  Health:                               http://$PUBLIC/_/live  http://$PUBLIC/_/ready
  Logs:                                 $BOOKSHOP_LOG_DIR/
  $PROMETHEUS_SUMMARY
  $PAYPAL_SUMMARY
  make stack-status   processes, memory and CPU;   make stack-stop   stops all of it

EOF_URLS
}

stop() {
  [ -f "$BOOKSHOP_STATE_DIR/started" ] || { echo "No stack was started here."; return 0; }
  if grep -qx supervisord "$BOOKSHOP_STATE_DIR/started"; then
    supervisorctl_ shutdown >/dev/null 2>&1 || true
    local pid_file="$BOOKSHOP_STATE_DIR/supervisord.pid"
    for _ in $(seq 60); do [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 0.5; done
  fi
  if grep -qx redis "$BOOKSHOP_STATE_DIR/started" && [ -f "$BOOKSHOP_STATE_DIR/redis/redis.pid" ]; then
    kill "$(cat "$BOOKSHOP_STATE_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  if grep -qx postgres "$BOOKSHOP_STATE_DIR/started"; then
    as_db_owner "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null || true
  fi
  rm -f "$BOOKSHOP_STATE_DIR/started"
  echo "Stack stopped."
}

status() {
  if ! [ -S "$BOOKSHOP_STATE_DIR/supervisor.sock" ] || ! supervisorctl_ pid >/dev/null 2>&1; then
    echo "The stack is not running (make stack)."; return 0
  fi
  supervisorctl_ status || true
  grep -E '^(DJANGO_SETTINGS_MODULE|PAYPAL_MODE|PAYPAL_API_BASE)=' "$BOOKSHOP_ENV_FILE" || true
  echo
  # Every process of the stack: supervisord, its programs and their children (workers).
  local pids; pids="$(supervisorctl_ pid) $(supervisorctl_ pid all | tr '\n' ' ')"
  local all=""
  for pid in $pids; do
    [ "$pid" -gt 0 ] 2>/dev/null || continue
    all="$all $pid $( (pgrep -P "$pid" || true) | tr '\n' ' ')"
  done
  [ -f "$BOOKSHOP_STATE_DIR/redis/redis.pid" ] && all="$all $(cat "$BOOKSHOP_STATE_DIR/redis/redis.pid")"
  [ -f "$PG_DIR/postmaster.pid" ] && all="$all $(head -1 "$PG_DIR/postmaster.pid")"
  # shellcheck disable=SC2086
  ps -o pid,ppid,rss:10,%cpu,etime,args --sort=ppid -p $(echo $all | tr ' ' ',') |
    awk 'NR == 1 {printf "%-8s %-8s %10s %6s %12s  %s\n", "PID", "PPID", "RSS(MiB)", "CPU%", "ELAPSED", "COMMAND"; next}
         {cmd=""; for (i = 6; i <= NF; i++) cmd = cmd " " $i;
          printf "%-8s %-8s %10.1f %6s %12s %s\n", $1, $2, $3 / 1024, $4, $5, substr(cmd, 1, 90); total += $3}
         END {printf "Total resident memory: %.1f MiB\n", total / 1024}'
  echo
  curl -sS "http://$PUBLIC/_/ready" || true; echo
  if supervisorctl_ status prometheus >/dev/null 2>&1; then
    echo
    echo "Prometheus (http://$BOOKSHOP_PROMETHEUS/): each target, up or down, with its memory and CPU"
    prometheus_report || echo "  (no answer from Prometheus yet)"
  fi
}

# One line per scrape target: up, resident memory and CPU of the process behind it (what
# Prometheus itself recorded: the exporters' process_* series, or the gunicorn node's own).
prometheus_report() {
  local query='up or label_replace(process_resident_memory_bytes, "m", "rss", "", "") or label_replace(rate(process_cpu_seconds_total[1m]), "m", "cpu", "", "")'
  curl -fsS --get "http://$BOOKSHOP_PROMETHEUS/api/v1/query" --data-urlencode "query=$query" | "$PY" -c '
import json, sys
rows = {}
for result in json.load(sys.stdin)["data"]["result"]:
    labels, value = result["metric"], float(result["value"][1])
    row = rows.setdefault((labels["job"], labels["instance"]), {})
    row[labels.get("m") or labels.get("__name__")] = value
for (job, instance), row in sorted(rows.items()):
    up = "up" if row.get("up") == 1 else "DOWN"
    rss = "%8.1f MiB" % (row["rss"] / 2**20) if "rss" in row else "%12s" % "-"
    cpu = "%5.1f%% CPU" % (row["cpu"] * 100) if "cpu" in row else ""
    print("  %-10s %-16s %-4s %s %s" % (job, instance, up, rss, cpu))
'
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
