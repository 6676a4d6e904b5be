#!/usr/bin/env bash
# The reference deployment on one machine, unprivileged, everything under one directory:
#   nginx (127.0.0.1:PORT) -> N `alliance serve` processes (127.0.0.1:PORT+1 ... PORT+N)
#   + one `alliance worker` (outbox delivery) + one `alliance scheduler` (sweeps, advisory lock).
#
#   deploy/run.sh start DIR   start everything against $ALLIANCE_DATABASE_URL, wait until /readyz
#                             answers 200 through nginx (migrates the schema first)
#   deploy/run.sh stop DIR    SIGTERM everything started, SIGKILL what is left after 20 s
#
# Settings (environment): ALLIANCE_DATABASE_URL (required), ALLIANCE_SECRET_KEY (required),
# DEPLOY_APPS (app processes, default 2; SQLite: forced to 1), DEPLOY_PORT (default 8080),
# DEPLOY_WORKERS (outbox workers, default 1), DEPLOY_SCHEDULERS (default 1; more only show the
# lock at work), DEPLOY_MIGRATE (0: the schema is current already, skip `db upgrade`),
# DEPLOY_SWEEP_EVERY (seconds, default 300), ALLIANCE (the alliance command, default `python -m alliance.cli` of $PYTHON).
# Needs Debian's nginx: apt-get install nginx (this script installs it when run as root).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
action=${1:-}
dir=${2:-}
if [[ -z $action || -z $dir ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
python=${PYTHON:-python3}
read -r -a alliance <<<"${ALLIANCE:-$python -m alliance.cli}"

stop() {
  local pids=()
  [[ -f $dir/pids ]] || return 0
  mapfile -t pids <"$dir/pids"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$dir/pids"
}

need_nginx() {
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  if [[ ! -x $nginx && $(id -u) == 0 ]]; then
    apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  fi
  if [[ ! -x $nginx ]]; then
    echo "deploy/run.sh: nginx is not installed (Debian: apt-get install nginx)" >&2
    exit 1
  fi
  echo "$nginx"
}

start() {
  : "${ALLIANCE_DATABASE_URL:?set ALLIANCE_DATABASE_URL}" "${ALLIANCE_SECRET_KEY:?set ALLIANCE_SECRET_KEY}"
  local nginx apps port workers schedulers
  nginx=$(need_nginx)
  apps=${DEPLOY_APPS:-2}
  port=${DEPLOY_PORT:-8080}
  workers=${DEPLOY_WORKERS:-1}
  schedulers=${DEPLOY_SCHEDULERS:-1}
  if [[ $ALLIANCE_DATABASE_URL == sqlite* ]]; then
    apps=1 # one writer process: SQLite deployments run a single app process (with its worker thread)
  fi
  mkdir -p "$dir/logs" "$dir/nginx"
  if [[ -f $dir/pids ]]; then
    echo "deploy/run.sh: $dir/pids exists: already running? ($0 stop $dir)" >&2
    exit 1
  fi
  : >"$dir/pids"
  trap 'echo "deploy/run.sh: start failed; stopping what started (logs in $dir/logs)" >&2; stop' ERR

  if [[ ${DEPLOY_MIGRATE:-1} == 1 ]]; then
    "${alliance[@]}" db upgrade >"$dir/logs/migrate.log" 2>&1
  fi

  local upstreams="" i
  for ((i = 1; i <= apps; i++)); do
    upstreams+="        server 127.0.0.1:$((port + i)) max_fails=0;"$'\n'
    "${alliance[@]}" serve --host 127.0.0.1 --port $((port + i)) >"$dir/logs/app-$i.log" 2>&1 &
    echo $! >>"$dir/pids"
  done
  if [[ $ALLIANCE_DATABASE_URL != sqlite* ]]; then # on SQLite the app process delivers from a thread
    for ((i = 1; i <= workers; i++)); do
      "${alliance[@]}" worker >"$dir/logs/worker-$i.log" 2>&1 &
      echo $! >>"$dir/pids"
    done
  fi
  for ((i = 1; i <= schedulers; i++)); do
    PYTHONUNBUFFERED=1 "${alliance[@]}" scheduler --every "${DEPLOY_SWEEP_EVERY:-300}" >"$dir/logs/scheduler-$i.log" 2>&1 &
    echo $! >>"$dir/pids"
  done

  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.template" |
    awk -v upstreams="$upstreams" '{ if ($0 == "@UPSTREAMS@") printf "%s", upstreams; else print }' >"$dir/nginx.conf"
  "$nginx" -p "$dir" -e "$dir/logs/nginx-error.log" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/logs/nginx.log" 2>&1 &
  echo $! >>"$dir/pids"

  # Ready when every app process answers /readyz directly and nginx answers it too.
  local deadline=$((SECONDS + ${DEPLOY_START_TIMEOUT:-60})) url
  for url in $(for ((i = 1; i <= apps; i++)); do echo "http://127.0.0.1:$((port + i))/readyz"; done) "http://127.0.0.1:$port/readyz"; do
    until "$python" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)" "$url" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        echo "deploy/run.sh: $url not ready after ${DEPLOY_START_TIMEOUT:-60} s" >&2
        tail -n 20 "$dir"/logs/*.log >&2
        false
      fi
      sleep 0.3
    done
  done
  trap - ERR
  echo "deploy/run.sh: ready at http://127.0.0.1:$port ($apps app processes, logs in $dir/logs)"
}

case $action in
start) start ;;
stop) stop ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
