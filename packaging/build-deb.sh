#!/usr/bin/env bash
# Build the dvc-kiosk Debian package (make deb): the application and its locked virtualenv under
# /opt/dvc-kiosk, the units, udev rules, sysusers and tmpfiles where Debian puts them, and
# /etc/dvc-kiosk/kiosk.toml as a conffile.
#
#   packaging/build-deb.sh requirements/runtime.txt dist     -> dist/dvc-kiosk_<version>_amd64.deb
#
# The version is the project's, then the commit's time and hash (0.1.0+20261205143000.gabc1234),
# so a later commit is a newer package; DEB_VERSION overrides it. DEB_COMPRESS (xz) and
# DEB_COMPRESS_LEVEL (3) choose dpkg-deb's compression (the tests use gzip 1: seconds, not minutes;
# Debian 12's lintian refuses zstd). DVC_ARCHIVE_KEYRING ships the province's update key.
# DEB_VENV_CACHE=dir (the test's second build): the virtualenv as pip installed the locked
# versions is kept there (hard links), and a later build with the same lock file and Python
# starts from it instead of installing them again; every later step runs as in any build.
# The virtualenv is made with Debian 12's /usr/bin/python3.11 at a staging path and moved:
# scripts' #! lines and pyvenv.cfg are rewritten to /opt/dvc-kiosk/.venv and the bytecode is
# compiled with that path.
set -euo pipefail
umask 022  # what the package holds is world-readable, whatever the caller's umask (a test's 077)
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
trap '[ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
root=$work/root
venv=$root$PREFIX/.venv
say() { printf '== [%3ss] %s\n' "$SECONDS" "$*"; }

say "dvc-kiosk $version ($arch): wheel from the tracked files"
mkdir -p "$work/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
# the build's time, a moment known to have passed (the kiosk refuses to seal before it)
built=$(cd "$work/src" && "$PY" -m kiosk.build_info --stamp kiosk/build_info.py)
grep -q "^BUILD_TIME = \"$built\"$" "$work/src/kiosk/build_info.py"
echo "build time $built"
(cd "$work/src" && "$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$work/wheel" .)

say "virtualenv with the locked versions ($lock)"
cache=${DEB_VENV_CACHE:-}
key="$(sha256sum < "$lock" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version)')"
if [ -n "$cache" ] && [ -f "$cache/key" ] && [ "$(cat "$cache/key")" = "$key" ]; then
  # as pip left it in an earlier build: its staging path there becomes this build's
  old=$(cat "$cache/staged-at")
  mkdir -p "$(dirname "$venv")"
  cp -al "$cache/venv" "$venv" 2>/dev/null || cp -a "$cache/venv" "$venv"
  grep -rlI --null "$old" "$venv" | xargs -0 -r sed -i "s#$old#$venv#g"
  echo "the locked versions as installed by an earlier build (DEB_VENV_CACHE=$cache)"
else
  "$PYTHON" -m venv "$venv"
  "$venv/bin/pip" install -q --no-compile --require-hashes --no-deps -r "$lock"
  # hard links: the steps below never write into a file (sed -i and compileall write new ones,
  # pip and slim_venv unlink); chmod and touch change what every build sets again anyway
  if [ -n "$cache" ]; then
    rm -rf "$cache" && mkdir -p "$cache"
    cp -al "$venv" "$cache/venv" 2>/dev/null || cp -a "$venv" "$cache/venv"
    echo "$venv" > "$cache/staged-at"
    echo "$key" > "$cache/key"
  fi
fi
"$venv/bin/pip" install -q --no-compile --no-deps "$work"/wheel/dvc_kiosk-*.whl
"$venv/bin/pip" check
"$venv/bin/pip" uninstall -q -y pip  # nothing installs into the appliance's venv by hand
"$PY" packaging/slim_venv.py "$venv"
find "$venv" -type f -name '*.so*' -exec chmod a-x {} +  # libraries are not programs
# the newest glibc symbol version any shipped binary asks for: Depends: libc6 (>= it)
glibc=$(grep -rahoE 'GLIBC_2\.[0-9]+' "$venv" | sort -uV | tail -1 | sed 's/GLIBC_//')
echo "binaries need glibc >= $glibc"
# moved to its real place: no path of the staging folder may stay behind
grep -rlI --null "$root" "$venv" | xargs -0 -r sed -i "s#$root##g"
find "$venv" -name 'direct_url.json' -delete
# PySide6 6.8.3's QtAsyncio/events.py is not Python 3.11 (a 3.12 f-string); the kiosk never
# imports it: left without bytecode
"$venv/bin/python" -m compileall -q -j 0 -s "$root" -p / -x 'PySide6/QtAsyncio/events\.py$' "$venv/lib"
if grep -rlI "$work" "$root" | head -5 | grep .; then echo "staging paths left in the package"; exit 1; fi

say "system files"
"$venv/bin/python" -m kiosk.system_install --package-tree "$root" >/dev/null
# /var/lib/dvc-kiosk is not in the package (tmpfiles and the units make it): dpkg never owns,
# so never removes, the kiosk's data
mkdir -p "$root/usr/bin"
install -m 0644 README.md "$root$PREFIX/README.md"  # the units' Documentation=
ln -s "$PREFIX/.venv/bin/kiosk" "$root/usr/bin/kiosk"
doc=$root/usr/share/doc/dvc-kiosk
mkdir -p "$doc" "$root/usr/share/lintian/overrides"
cp packaging/debian/copyright "$doc/copyright"
printf 'dvc-kiosk (%s) stable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$(git rev-parse HEAD)" "DVC Kiosk maintainers <kiosk@dvc.invalid>" \
  "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$doc/changelog.gz"
install -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/dvc-kiosk"
# the province's archive key (kiosk-update.service runs only when it is there): DVC_ARCHIVE_KEYRING
# names a binary keyring (gpg --export FPR > key.gpg); without it the package has no updater key
if [ -n "${DVC_ARCHIVE_KEYRING:-}" ]; then
  install -D -m 0644 "$DVC_ARCHIVE_KEYRING" "$root/usr/share/keyrings/dvc-kiosk-archive-keyring.gpg"
fi

say "control and maintainer scripts"
mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@LIBC@/libc6 (>= $glibc)/" \
  packaging/debian/control > "$root/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
while read -r conffile; do  # every conffile named is in the package
  [ -f "$root$conffile" ] || { echo "conffile $conffile missing from the package"; exit 1; }
done < packaging/debian/conffiles
# the maintainer scripts' unit lists, from the units shipped: all are stopped on removal; those
# with [Install] are enabled; all but the kiosk and its agent (they wait for provisioning) start
# on a first install; the services restart after an upgrade when running
all_units="" enable_units="" start_units="" restart_units=""
for unit in "$root"/lib/systemd/system/*; do
  name=$(basename "$unit")
  all_units="$all_units $name"
  grep -q '^\[Install\]' "$unit" || continue
  enable_units="$enable_units $name"
  case $name in
    kiosk.service|kiosk-sync.service) ;;
    *) start_units="$start_units $name" ;;
  esac
  case $name in *.service) restart_units="$restart_units $name" ;; esac
done
echo "units:$all_units; enabled:$enable_units; started on install:$start_units"
for script in postinst prerm postrm; do
  sed -e "s/@ALL_UNITS@/${all_units# }/" -e "s/@ENABLE_UNITS@/${enable_units# }/" \
      -e "s/@START_ON_INSTALL@/${start_units# }/" -e "s/@RESTART_ON_UPGRADE@/${restart_units# }/" \
      "packaging/debian/$script" > "$root/DEBIAN/$script"
  chmod 0755 "$root/DEBIAN/$script"
  if grep -n '@[A-Z_]*@' "$root/DEBIAN/$script"; then echo "$script: placeholder left"; exit 1; fi
done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

say "compressing (${DEB_COMPRESS:-xz})"
mkdir -p "$out"
deb=$out/dvc-kiosk_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" -z"${DEB_COMPRESS_LEVEL:-3}" --build "$root" "$deb" >/dev/null
say "built $deb ($(du -h "$deb" | cut -f1))"
echo "$deb" > "$out/LATEST.part" && mv "$out/LATEST.part" "$out/LATEST"  # whole or not there
