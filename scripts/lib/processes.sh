# Sourced by the measurement scripts: processes they start on free loopback ports, logged in a
# temporary folder, all stopped (by PID) when the script exits.
# shellcheck shell=bash

WORK=$(mktemp -d)
PIDS=()
AT_EXIT=()
stop_started() {
    local pid step
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for step in "${AT_EXIT[@]}"; do eval "$step"; done
    rm -rf "$WORK"
}
trap stop_started EXIT

wait_http() {
    local url=$1
    for _ in $(seq 1 1000); do
        curl -fs -o /dev/null "$url" && return 0
        sleep 0.01
    done
    die "nothing answers at $url"
}

service_bin() { echo "$ROOT/build/release/services/$1/$1"; }

# Starts a service of the release build on a free loopback port with the caller's environment
# plus the given NAME=value pairs; sets STARTED_PID, STARTED_PORT and STARTED_MS (exec to the
# "listening" log line, by the line's own timestamp).
start_service() {
    local name=$1 port t0 listening
    shift
    port=$(free_port)
    t0=$(date +%s%3N)
    env PORT="$port" HOST=127.0.0.1 ENV_FILE=/dev/null "$@" "$(service_bin "$name")" \
        >"$WORK/$name-$port.log" 2>&1 &
    STARTED_PID=$!
    STARTED_PORT=$port
    PIDS+=("$STARTED_PID")
    wait_http "http://127.0.0.1:$port/health/live"
    # No listening line below LOG_LEVEL=info: the start-up time is then unknown.
    listening=$(grep -m1 'listening"' "$WORK/$name-$port.log" | sed -E 's/.*"time":([0-9]+).*/\1/' || true)
    STARTED_MS=$([ -n "$listening" ] && echo $((listening - t0)) || echo "?")
}

# A dev broker of our own; sets KAFKA_BROKER.
start_broker() {
    local port
    port=$(free_port)
    KAFKA_DEV_BROKER_PORT=$port "$ROOT/build/release/infra/kafka-dev-broker/kafka-dev-broker" \
        >"$WORK/broker.log" 2>&1 &
    PIDS+=($!)
    KAFKA_BROKER=127.0.0.1:$port
}

# The project's PostgreSQL cluster, started here (and stopped at exit) unless it already runs.
use_local_postgres() {
    if ! "$ROOT/scripts/pg.sh" status >/dev/null 2>&1; then
        "$ROOT/scripts/pg.sh" start >/dev/null
        AT_EXIT+=('"$ROOT/scripts/pg.sh" stop >/dev/null')
    fi
}

# A fresh, empty database in the local cluster (an older one of that name is dropped).
fresh_database() {
    "$ROOT/scripts/pg.sh" psql postgres -q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
        -c "CREATE DATABASE $1" >/dev/null
}

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# CPU time (user + system) of a process so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

machine() {
    echo "$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
        "$(free -g | awk '/Mem:/ { print $2 }') GiB"
}

# The load of run_wrk and the rounds of the benchmarks, overridable from the environment.
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}

# Prints "req/s p50_ms p99_ms" for one wrk run of WRK_THREADS threads, CONNECTIONS
# connections and DURATION on `url`; further arguments go to wrk (e.g. -H 'name: value').
# A run with any non-2xx answer fails: its figures would not be of the route measured.
run_wrk() {
    local url=$1
    shift
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = 1 }
        END { if (bad) { print "wrk: non-2xx answers from " url > "/dev/stderr"; exit 1 }
              printf "%d %.3f %.3f\n", rps, p50, p99 }' url="$url"
}

# The better of two "req/s p50 p99" lines, by req/s.
best() { printf '%s\n%s\n' "$1" "$2" | sort -n -r | head -1; }

# Starts Debian's nginx on a free port with the settings that matter here as Debian ships
# them (worker_processes auto, access log on) and the given server block body (the listen
# line is added); sets NGINX_PORT and waits until `probe_path` answers. A third argument
# names the instance (its directory under WORK), so that several can run.
start_nginx() {
    local server_body=$1 probe_path=$2 dir="$WORK/${3:-nginx}"
    NGINX_PORT=$(free_port)
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir;
    proxy_temp_path $dir;
    ${NGINX_HTTP_EXTRA:-}
    server {
        listen 127.0.0.1:$NGINX_PORT;
        $server_body
    }
}
CONF
    nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$NGINX_PORT$probe_path"
}
