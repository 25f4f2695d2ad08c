#!/usr/bin/env bash
# Measures heed serve against nginx serving the same signed envelope, on
# loopback, in one run: 304 revalidations and full gzip responses, with
# wrk; and heed serve's GET .../bundles/{version} of an older version
# against its own GET .../bundle (releases are compressed once). Installs wrk and nginx (Debian) when missing; starts and stops its
# own servers; leaves nothing running.
#
#   scripts/bench-server.sh [seconds] [rounds]    (default 10 s, 1 round)
#
# Besides the table it prints each round in Go's benchmark format, for
# make bench's table:  BenchmarkServer/response=304/server=heed 1 R req/s
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${2:-1}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v bc >/dev/null || need+=(bc)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as another user
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "port $1 did not open" >&2; exit 1; }

bin/heed keygen -o "$work/k" 2>/dev/null
echo "bench bench-token-0123456789abcdef" >"$work/tokens"
bin/heed build bundles/default -o "$work/b.json" --version 1 2>/dev/null
bin/heed sign --key "$work/k.key" "$work/b.json" -o "$work/bundle" 2>/dev/null
bin/heed build bundles/default -o "$work/b2.json" --version 2 2>/dev/null
bin/heed sign --key "$work/k.key" "$work/b2.json" -o "$work/bundle2" 2>/dev/null

hp=$(port)
bin/heed serve --addr "127.0.0.1:$hp" --data "$work/data" --admin-token-file "$work/tokens" --trusted-key "$work/k.pub" >/dev/null 2>&1 &
pids+=($!)
wait_port "$hp"
bin/heed publish --server "http://127.0.0.1:$hp" --channel stable --token-file "$work/tokens" --yes "$work/bundle" >/dev/null
# A second channel whose version 1 is no longer the latest.
bin/heed publish --server "http://127.0.0.1:$hp" --channel old --token-file "$work/tokens" --yes "$work/bundle" >/dev/null
bin/heed publish --server "http://127.0.0.1:$hp" --channel old --token-file "$work/tokens" --yes "$work/bundle2" >/dev/null

# nginx serves the same bytes, with ETags and a precompressed copy.
np=$(port)
mkdir -p "$work/www/v1/channels/stable"
cp "$work/bundle" "$work/www/v1/channels/stable/bundle"
gzip -9 -k "$work/www/v1/channels/stable/bundle"
chmod -R a+rX "$work/www"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	etag on;
	gzip_static on;
	default_type application/json;
	client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
	uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
	server { listen 127.0.0.1:$np; root $work/www; add_header Cache-Control no-cache; }
}
CONF
mkdir -p "$work/tmp"
"$NGINX" -c "$work/nginx.conf"
wait_port "$np"

hurl="http://127.0.0.1:$hp/v1/channels/stable/bundle"
nurl="http://127.0.0.1:$np/v1/channels/stable/bundle"
hetag=$(curl -sI "$hurl" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
netag=$(curl -sI "$nurl" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $hetag" "$hurl")" = 304 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $netag" "$nurl")" = 304 ]

rps() { wrk -t2 -c64 -d"${secs}s" "$@" | awk '/Requests\/sec/{print $2}'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds alternate the servers, so that noise on the shared machine falls
# on both alike.
for r in $(seq "$rounds"); do
	h304=$(rps -H "If-None-Match: $hetag" "$hurl")
	n304=$(rps -H "If-None-Match: $netag" "$nurl")
	hgz=$(rps -H "Accept-Encoding: gzip" "$hurl")
	ngz=$(rps -H "Accept-Encoding: gzip" "$nurl")
	hvgz=$(rps -H "Accept-Encoding: gzip" "http://127.0.0.1:$hp/v1/channels/old/bundles/1")
	echo "BenchmarkServer/response=304/server=heed 1 $h304 req/s"
	echo "BenchmarkServer/response=304/server=nginx 1 $n304 req/s"
	echo "BenchmarkServer/response=gzip/server=heed 1 $hgz req/s"
	echo "BenchmarkServer/response=gzip/server=nginx 1 $ngz req/s"
	echo "BenchmarkServer/response=version-gzip/server=heed 1 $hvgz req/s"
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %12s %12s %8s\n' "loopback, wrk -t2 -c64" "heed req/s" "nginx req/s" "ratio"
printf '%-26s %12s %12s %8.2f\n' "304 revalidation (last)" "$h304" "$n304" "$(echo "$h304 / $n304" | bc -l)"
printf '%-26s %12s %12s %8.2f\n' "200 gzip ($(stat -c %s "$work/www/v1/channels/stable/bundle.gz") bytes)" "$hgz" "$ngz" "$(echo "$hgz / $ngz" | bc -l)"
printf '%-26s %12s %12s %8.2f  (against heed /bundle)\n' "200 gzip, /bundles/1" "$hvgz" "-" "$(echo "$hvgz / $hgz" | bc -l)"
