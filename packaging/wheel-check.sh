#!/usr/bin/env bash
# The wheel works outside the checkout: build it from the tracked files, install it with the
# locked runtime versions into a fresh venv in a temporary folder, and run from there (not from
# the checkout) `kiosk --version`, `kiosk devices decode-qr`, `kiosk demo` (one language, one
# theme) and `kiosk run --simulate` until it reaches Welcome. Used by `make wheel-check`.
set -euo pipefail
umask 022  # what the package holds is world-readable, whatever the caller's umask (a test's 077)
cd "$(dirname "$0")/.."
repo=$PWD
PY=${PY:-$repo/.venv/bin/python}
PYTHON=${PYTHON:-python3.11}
work=$(mktemp -d /tmp/dvc-kiosk-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
say() { printf '\n== %s\n' "$*"; }

say "build the wheel from the tracked files"
mkdir "$work/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
(cd "$work/src" && "$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$work/wheel" .)
wheel=$(ls "$work"/wheel/dvc_kiosk-*.whl)
echo "$wheel"
for need in kiosk/_data/assets/catalog/procedures.json kiosk/_data/locales/vi.json \
            kiosk/_data/systemd/kiosk.service kiosk/ui/qml/Main.qml kiosk/ui/qml/images/cccd_card.svg; do
  "$PY" -c 'import sys, zipfile; names = set(zipfile.ZipFile(sys.argv[1]).namelist());
sys.exit(0 if sys.argv[2] in names else f"the wheel lacks {sys.argv[2]}")' "$wheel" "$need"
done

say "install it with the locked runtime versions into a fresh venv"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --require-hashes --no-deps -r requirements/runtime.txt
"$work/venv/bin/pip" install -q --no-deps "$wheel"
"$work/venv/bin/pip" check
rm -rf "$work/src"  # nothing of the checkout is left to lean on
cd "$work"
kiosk=$work/venv/bin/kiosk
export QT_QPA_PLATFORM=offscreen
unset KIOSK_CONFIG

say "kiosk --version"
"$kiosk" --version | tee version.txt
grep -q "from a built package" version.txt

say "kiosk devices decode-qr"
"$work/venv/bin/python" - <<'PY'
import segno
segno.make("079165001234|123456789|Huỳnh Thị Ánh|01021965|Nữ|Thôn 3, Xã Tân Phú, Tỉnh Đồng Nai|15082021||||",
           mode="byte", encoding="utf-8", error="m").save("card.png", scale=5, border=4)
PY
"$kiosk" devices decode-qr card.png | tee qr.json
grep -q '079165001234' qr.json

say "kiosk demo (vi, default theme)"
"$kiosk" demo --out demo --lang vi --theme default --text-size 0 | tee demo.txt
grep -q "application code:" demo.txt
ls demo/*welcome*.png >/dev/null
test -s demo/slip.png || { echo "kiosk demo wrote no slip image"; exit 1; }
echo "screenshots: $(ls demo/*.png | wc -l) files, slip image $(stat -c %s demo/slip.png) bytes"

say "kiosk run --simulate reaches Welcome"
"$kiosk" run --simulate --windowed > run.log 2>&1 &
pid=$!
ok=""
for _ in $(seq 1 120); do   # up to 60 s
  if "$kiosk" ctl wait-screen welcome 1 --timeout 5 >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ -z "$ok" ]; then echo "kiosk run --simulate never reached Welcome:"; tail -20 run.log; exit 1; fi
echo "Welcome shown"
say "wheel check passed: $(basename "$wheel")"
