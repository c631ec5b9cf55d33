#!/usr/bin/env bash
# Checks the web build (dist/web, made by web/build.sh) in a real browser: Debian's
# chromium, headless, WebGL on SwiftShader, loads the page from a local static server,
# once plain (the UK sample) and once with a `#map=` link (the EV motor sample), and reads
# the screenshots with tesseract: each must show its map's title, not a blank page or an
# error. Screenshots and timings (first frame, frame time: web/check.py) go to
# target/web-check/.
set -euo pipefail
cd "$(dirname "$0")/.."
site=dist/web
out=target/web-check
[ -f "$site/loopmap_bg.wasm" ] || { echo "check.sh: no $site; run web/build.sh first" >&2; exit 1; }
command -v chromium >/dev/null || { echo "check.sh: chromium not found (apt-get install chromium)" >&2; exit 1; }
command -v tesseract >/dev/null || { echo "check.sh: tesseract not found (apt-get install tesseract-ocr)" >&2; exit 1; }
mkdir -p "$out"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 -d "$site" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.2
done

# The EV motor sample as a share link: zlib (RFC 1950), base64url without padding.
link=$(python3 - <<'PY'
import base64, zlib
data = open("sample_maps/ev-motor-loops.loopmap.json", "rb").read()
print(base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("="))
PY
)

shot() { # NAME URL [--edit-and-reload] WORD...
  local name=$1 url=$2 mode=""; shift 2
  if [ "${1:-}" = --edit-and-reload ]; then mode=$1; shift; fi
  local result
  result=$(timeout 180 python3 web/check.py "$url" "$out/$name.png" $mode)
  echo "$result" > "$out/$name.json"
  [ -s "$out/$name.png" ] || { echo "check.sh: $name: no screenshot ($result)" >&2; exit 1; }
  tesseract "$out/$name.png" "$out/$name" >/dev/null 2>&1
  local text
  text=$(tr '\n' ' ' < "$out/$name.txt")
  for word in "$@"; do
    if ! grep -qiF "$word" <<<"$text"; then
      echo "check.sh: $name: '$word' is not on the page ($result); tesseract read: $text" >&2
      exit 1
    fi
  done
  echo "check.sh: $name: shows $*; $result"
}

shot plain "http://127.0.0.1:$port/" "NdFeB" "magnet chain"
# The link's map: its title and one of its own pain points (node titles on the canvas are
# 11 px at this zoom, too small for tesseract to be a fair judge of them).
shot link "http://127.0.0.1:$port/#map=$link" "traction motor" "Magnets glued"
# Unsaved work survives a reload: offered back.
shot reload "http://127.0.0.1:$port/" --edit-and-reload "Recover unsaved work"
grep -q '"kept": true' "$out/reload.json" || { echo "check.sh: reload: the unsaved map was not kept" >&2; exit 1; }
echo "check.sh: ok ($out)"
