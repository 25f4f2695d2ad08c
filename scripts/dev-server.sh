#!/usr/bin/env bash
# make run: the bundle server on built-in defaults. On first run it makes a
# development signing key and admin token under .heed/ (ignored by git) and
# prints them once; every run publishes the default bundle, freshly built
# and signed, to channel "stable", then serves until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
HEED=bin/heed
ADDR=${HEED_ADDR:-127.0.0.1:8080}
STATE=.heed
mkdir -p "$STATE"
chmod 700 "$STATE"

if [ ! -f "$STATE/dev.key" ]; then
	"$HEED" keygen -o "$STATE/dev" 2>/dev/null
	token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
	umask 077
	echo "dev $token" >"$STATE/admin-tokens"
	cat <<MSG
First run: made a development signing key and admin token.
  signing key:  $STATE/dev.key (public: $STATE/dev.pub)
  admin token:  $token  (kept in $STATE/admin-tokens; shown only now)
To publish a bundle yourself:
  $HEED build bundles/default -o /tmp/b.json --version \$(date +%s)
  $HEED sign --key $STATE/dev.key /tmp/b.json -o /tmp/b.signed.json
  $HEED publish --server http://$ADDR --channel stable --token-file $STATE/admin-tokens /tmp/b.signed.json
MSG
fi

"$HEED" serve --addr "$ADDR" --data "$STATE/data" --admin-token-file "$STATE/admin-tokens" \
	--trusted-key "$STATE/dev.pub" 2>>"$STATE/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM

# Wait for the port to open (bash's /dev/tcp: no curl needed).
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}") 2>/dev/null && break
	sleep 0.1
done

version=$(date +%s)
"$HEED" build bundles/default -o "$STATE/default.json" --version "$version" 2>/dev/null
"$HEED" sign --key "$STATE/dev.key" "$STATE/default.json" -o "$STATE/default.signed.json" 2>/dev/null
"$HEED" publish --server "http://$ADDR" --channel stable --token-file "$STATE/admin-tokens" --yes \
	--note "make run" "$STATE/default.signed.json"
echo "Playground: http://$ADDR/  (type a post; pick the built-in rules or a published version)"
echo "Serving http://$ADDR/v1/channels/stable/bundle (logs in $STATE/serve.log). Ctrl-C stops."
wait $server
