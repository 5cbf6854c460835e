#!/bin/sh
# Benchmark: the emulator's keep-alive Gate poll route (GET /v1/gate/sessions/{id} with the
# session's gtpoll_ bearer) under wrk. Prints wrk's numbers and the command to reproduce.
#
#   bench/emulator_poll.sh [build-dir]        (env: CONNECTIONS=16 THREADS=2 DURATION=10s)
#
# Needs: wrk, curl, openssl (Debian packages), a built foil-emulator.
set -eu
BUILD=${1:-${FOIL_BUILD_DIR:-build-emu}}
BIN=${FOIL_EMULATOR_BIN:-$BUILD/emulator/foil-emulator}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}
for tool in wrk curl openssl; do
  command -v "$tool" >/dev/null || { echo "emulator_poll.sh: '$tool' is missing" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "emulator_poll.sh: no foil-emulator at $BIN (build it first)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM
"$BIN" --json --threads "${EMULATOR_THREADS:-2}" >"$TMP/info" 2>"$TMP/log" &
PID=$!
while [ ! -s "$TMP/info" ]; do
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/log" >&2; exit 1; }
  sleep 0.05
done
BASE=$(sed 's/.*"base_url":"\([^"]*\)".*/\1/' "$TMP/info")

# A real delivery key: raw X25519 public key and key_id = SHA-256 of it, base64url.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm X25519 -out "$TMP/key.pem" 2>/dev/null
openssl pkey -in "$TMP/key.pem" -pubout -outform DER 2>/dev/null | tail -c 32 >"$TMP/pub.raw"
PUB=$(b64url <"$TMP/pub.raw")
KID=$(openssl dgst -sha256 -binary "$TMP/pub.raw" | b64url)
curl -sf -X POST "$BASE/v1/gate/sessions" -H 'Content-Type: application/json' \
  -d "{\"service_id\":\"foil\",\"account_name\":\"bench\",\"delivery\":{\"version\":1,\"algorithm\":\"x25519-hkdf-sha256/aes-256-gcm\",\"key_id\":\"$KID\",\"public_key\":\"$PUB\"}}" \
  >"$TMP/session"
ID=$(sed 's/.*"id":"\(gate_[^"]*\)".*/\1/' "$TMP/session")
POLL=$(sed 's/.*"poll_token":"\([^"]*\)".*/\1/' "$TMP/session")
URL="$BASE/v1/gate/sessions/$ID"
curl -sf -H "Authorization: Bearer $POLL" "$URL" >/dev/null

echo "emulator: $BIN (pid $PID, ${EMULATOR_THREADS:-2} worker threads) on $(nproc) CPUs"
echo "command:  wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -H 'Authorization: Bearer <poll token>' $URL"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $POLL" "$URL" \
  | tee "$TMP/wrk"
RPS=$(awk '/Requests\/sec/ {print int($2)}' "$TMP/wrk")
NON2XX=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk")
echo "result:   ${RPS} requests/s on the keep-alive poll route${NON2XX:+, $NON2XX non-2xx responses}"
[ -z "$NON2XX" ] || exit 1
[ "$RPS" -ge 10000 ] || { echo "below the 10,000 requests/s target" >&2; exit 1; }
