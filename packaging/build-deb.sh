#!/usr/bin/env bash
# Build the dvc-kiosk Debian package (make deb): the application and its locked virtualenv under
# /opt/dvc-kiosk, the units, udev rules, sysusers and tmpfiles where Debian puts them, and
# /etc/dvc-kiosk/kiosk.toml as a conffile.
#
#   packaging/build-deb.sh requirements/runtime.txt dist     -> dist/dvc-kiosk_<version>_amd64.deb
#
# The version is the project's, then the commit's time and hash (0.1.0+20261205143000.gabc1234),
# so a later commit is a newer package; DEB_VERSION overrides it. The virtualenv is made with
# Debian 12's /usr/bin/python3.11 at a staging path and moved: scripts' #! lines and pyvenv.cfg
# are rewritten to /opt/dvc-kiosk/.venv and the bytecode is compiled with that path.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
lock=${1:-requirements/runtime.txt}
out=${2:-dist}
PY=${PY:-$repo/.venv/bin/python}
PYTHON=${PYTHON:-/usr/bin/python3.11}
PREFIX=/opt/dvc-kiosk
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
base=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
stamp=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)
version=${DEB_VERSION:-$base+$stamp.g$(git rev-parse --short=7 HEAD)}
arch=$(dpkg --print-architecture)
work=$(mktemp -d /tmp/dvc-kiosk-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
venv=$root$PREFIX/.venv
say() { printf '== %s\n' "$*"; }

say "dvc-kiosk $version ($arch): wheel from the tracked files"
mkdir -p "$work/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
if [ -f "$work/src/kiosk/build_info.py" ]; then  # the build's time: a moment known to have passed
  (cd "$work/src" && "$PY" -m kiosk.build_info --stamp kiosk/build_info.py >/dev/null)
fi
(cd "$work/src" && "$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$work/wheel" .)

say "virtualenv with the locked versions ($lock)"
"$PYTHON" -m venv "$venv"
"$venv/bin/pip" install -q --no-compile --require-hashes --no-deps -r "$lock"
"$venv/bin/pip" install -q --no-compile --no-deps "$work"/wheel/dvc_kiosk-*.whl
"$venv/bin/pip" check
"$venv/bin/pip" uninstall -q -y pip  # nothing installs into the appliance's venv by hand
# moved to its real place: no path of the staging folder may stay behind
grep -rlI --null "$root" "$venv" | xargs -0 -r sed -i "s#$root##g"
find "$venv" -name 'direct_url.json' -delete
"$venv/bin/python" -m compileall -q -j 0 -s "$root" -p / "$venv/lib" >/dev/null
if grep -rlI "$work" "$root" | head -5 | grep .; then echo "staging paths left in the package"; exit 1; fi

say "system files"
"$venv/bin/python" -m kiosk.system_install --package-tree "$root" >/dev/null
mkdir -p "$root/usr/bin" "$root/var/lib/dvc-kiosk"
ln -s "$PREFIX/.venv/bin/kiosk" "$root/usr/bin/kiosk"
doc=$root/usr/share/doc/dvc-kiosk
mkdir -p "$doc" "$root/usr/share/lintian/overrides"
cp packaging/debian/copyright "$doc/copyright"
printf 'dvc-kiosk (%s) stable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$(git rev-parse HEAD)" "DVC Kiosk maintainers <kiosk@dvc.invalid>" \
  "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$doc/changelog.gz"
cp packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/dvc-kiosk"

say "control and maintainer scripts"
mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  packaging/debian/control > "$root/DEBIAN/control"
cp packaging/debian/conffiles "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/dvc-kiosk_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz -z${DEB_XZ_LEVEL:-3} --build "$root" "$deb" >/dev/null
say "built $deb ($(du -h "$deb" | cut -f1))"
echo "$deb" > "$out/LATEST"
