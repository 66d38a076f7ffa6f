#!/usr/bin/env bash
# The Debian package on a fresh Debian 12, as a technician would use it (make appliance-check).
#
#   packaging/appliance-check.sh [dist]        (the .deb named in dist/LATEST, from make deb)
#
# In a throwaway Debian 12 root (debootstrap --variant=minbase bookworm, kept as a tarball in
# $DVC_CACHE, default ~/.cache/dvc-kiosk, with apt's downloads, so reruns are fast): install the
# package with its dependencies, then `kiosk --version`, `kiosk devices list`, `systemd-analyze
# verify` of the installed units, the UI itself (`kiosk demo` offscreen), an upgrade to a newer
# build (the technician's kiosk.toml and the kiosk's data kept, the running services asked to
# restart), `dpkg -r` and `dpkg --purge` (data kept). NEW_DEB=path: upgrade first to that second
# real build (make deb with DEB_VERSION bumped), then to a re-versioned copy of it whose shipped
# kiosk.toml changed (the conffile question); without NEW_DEB only the re-versioned one.
# NEW_DIST=folder instead of NEW_DEB: the .deb its LATEST names, from a build that may still be
# running beside the check (the test's second build): waited for when needed, up to 20 minutes.
# Every command is printed with its output; any failure stops the check with a non-zero exit.
#
# A chroot runs no systemd: units are enabled (deb-systemd-helper's symlinks are checked) but
# not started, and "restarted after the upgrade" is shown by what the maintainer scripts ask of
# deb-systemd-invoke (recorded by the root's policy-rc.d), not by a service really restarting.
# Needs root, debootstrap and network access to deb.debian.org (DEBIAN_MIRROR) unless cached.
set -euo pipefail
umask 022  # what the package holds is world-readable, whatever the caller's umask (a test's 077)
cd "$(dirname "$0")/.."
dist=${1:-dist}
deb=$(realpath "$(cat "$dist/LATEST")")
cache=${DVC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dvc-kiosk}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base=$cache/debian12-minbase.tar
[ "$(id -u)" = 0 ] || { echo "appliance-check: needs root (chroot, dpkg in a throwaway root)"; exit 1; }
command -v debootstrap >/dev/null || { echo "appliance-check: apt-get install debootstrap"; exit 1; }
mkdir -p "$cache/apt-archives/partial" "$cache/apt-lists/partial"
work=$(mktemp -d /var/tmp/dvc-kiosk-appliance.XXXXXX)
root=$work/root
mounts=()
cleanup() {
  local i
  if [ -n "${lintian_pid:-}" ]; then kill "$lintian_pid" 2>/dev/null || true; wait "$lintian_pid" 2>/dev/null || true; fi
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
step() { printf '\n== [%3ss] %s\n' "$SECONDS" "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }  # the command, then its output
# a command inside the root, printed as typed there
in_root() {
  printf '# %s\n' "$*"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
fail() { echo "APPLIANCE CHECK FAILED: $*"; exit 1; }
expect() {  # expect FILE PATTERN WHAT
  grep -qE -- "$2" "$1" || fail "$3 (no '$2' in $(basename "$1"))"
  echo "ok: $3"
}
sha() { sha256sum "$root$1" | cut -d' ' -f1; }
literal() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }  # a version as a regex

version=$(dpkg-deb -f "$deb" Version)
step "dvc-kiosk $version: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# lintian takes minutes on this package: it runs beside the rest, its report comes at the end.
# Without its binaries/spelling check (about 20 s of its 90-120 here: strings of every library,
# each word spell-checked): its one tag, spelling-error-in-binary, is "info", which lintian
# neither shows by default nor counts against --fail-on error
lintian_pid=""
lintian_args=(--fail-on error --tag-display-limit 0 -X binaries/spelling)
if [ "${DVC_SKIP_LINTIAN:-}" != 1 ]; then
  lintian "${lintian_args[@]}" "$deb" > "$work/lintian" 2>&1 &
  lintian_pid=$!
fi

step "a fresh Debian 12 root"
if [ ! -f "$base" ]; then
  echo "no cached base root: debootstrap --variant=minbase bookworm (once; kept in $base)"
  show debootstrap --variant=minbase bookworm "$work/base" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$work/base" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf --one-file-system "$work/base"
fi
mkdir "$root"
tar -C "$root" -xf "$base"
echo "root from $base ($(du -h "$base" | cut -f1)), Debian $(cat "$root/etc/debian_version")"
cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
# the usual guard of a chroot: services are never started here; it records what was asked
cat > "$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
echo "$*" >> /var/log/policy-rc.d.log
exit "${POLICY_RC_D_EXIT:-101}"
EOF
chmod 0755 "$root/usr/sbin/policy-rc.d"
for fs in proc sys dev run; do mkdir -p "$root/$fs"; done
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount -t sysfs sysfs "$root/sys" && mounts+=("$root/sys")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
mount -t tmpfs tmpfs "$root/run" && mounts+=("$root/run")
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives" && mounts+=("$root/var/cache/apt/archives")
mount --bind "$cache/apt-lists" "$root/var/lib/apt/lists" && mounts+=("$root/var/lib/apt/lists")

step "install: apt-get install ./$(basename "$deb") (Depends only: no recommended packages)"
cp "$deb" "$root/tmp/"
# the cached apt folders are shared by every check on this machine (a test run beside make
# appliance-check): one apt at a time, the others wait for it instead of failing on apt's lock
exec 9>"$cache/apt.lock"
flock 9
in_root apt-get update -qq || fail "apt-get update"
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" > "$work/install.log" 2>&1 \
  || { tail -40 "$work/install.log"; fail "installing the package"; }
flock -u 9
exec 9>&-
grep -E "^(Setting up dvc-kiosk|[0-9]+ upgraded)|^Need to get" "$work/install.log" || true
in_root dpkg-query -W -f='${Package} ${Version} ${Status}\n' dvc-kiosk | tee "$work/status"
expect "$work/status" "dvc-kiosk $(literal "$version") install ok installed" "the package is installed"

step "kiosk --version"
in_root kiosk --version | tee "$work/version"
expect "$work/version" "^kiosk \(dvc-kiosk\) " "the version"
expect "$work/version" "^build: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z, from a built package" \
  "the build time stamped by make deb"
expect "$work/version" "^config: /etc/dvc-kiosk/kiosk.toml$" "the installed configuration is found"

step "what the package set up: the kiosk user, its folders, enabled units, udev rules"
in_root id kiosk | tee "$work/id"
for group in video lp dialout scanner audio input render; do
  expect "$work/id" "\($group\)" "kiosk is in group $group"
done
in_root stat -c '%n %U:%G %a' /var/lib/dvc-kiosk /etc/dvc-kiosk /etc/dvc-kiosk/kiosk.toml | tee "$work/stat"
expect "$work/stat" "^/var/lib/dvc-kiosk kiosk:kiosk 750" "the state folder belongs to kiosk"
in_root find /etc/systemd/system -name 'kiosk*' | sort | tee "$work/enabled"
for wanted in multi-user.target.wants/kiosk.service multi-user.target.wants/kiosk-sync.service \
              multi-user.target.wants/kiosk-speech.service timers.target.wants/kiosk-update.timer; do
  expect "$work/enabled" "/etc/systemd/system/$wanted$" "enabled: $wanted"
done
in_root ls /lib/udev/rules.d/70-dvc-kiosk.rules /usr/lib/sysusers.d/dvc-kiosk.conf \
  /usr/lib/tmpfiles.d/dvc-kiosk.conf /usr/lib/systemd/timesyncd.conf.d/dvc-kiosk.conf \
  /etc/dvc-kiosk/speech-dispatcher/speechd.conf
in_root udevadm verify /lib/udev/rules.d/70-dvc-kiosk.rules 2>/dev/null \
  || echo "(udevadm verify is systemd >= 254; Debian 12 has 252: not checked)"

step "kiosk devices list (as the kiosk user, with the configuration as shipped)"
in_root runuser -u kiosk -- kiosk --verbose devices list 2>&1 | tee "$work/devices"
[ "${PIPESTATUS[0]}" = 0 ] || fail "kiosk devices list"
expect "$work/devices" "^kiosk: config: /etc/dvc-kiosk/kiosk.toml" "devices list read the installed config"
expect "$work/devices" "^camera " "the camera is listed"
expect "$work/devices" "^printer " "the printer is listed"

step "systemd-analyze verify of the installed units (--man=no: the root has no man pages)"
mapfile -t units < <(cd "$root" && ls lib/systemd/system/kiosk* lib/systemd/system/*.mount 2>/dev/null \
  | xargs -r grep -l 'dvc-kiosk\|DVC Kiosk' | sed 's#^#/#')
in_root systemd-analyze verify --man=no "${units[@]}" > "$work/verify" 2>&1 || { cat "$work/verify"; fail "systemd-analyze verify"; }
cat "$work/verify"
echo "ok: ${#units[@]} units verified (${units[*]##*/})"

step "the libraries the UI, camera, QR and voice load are all there"
# kiosk.service runs the UI as cage's Wayland client (eglfs and linuxfb: the documented
# fallbacks); the X11 plugin is not for the appliance: its libraries are not installed
in_root sh -c 'cd /opt/dvc-kiosk/.venv/lib/python3.11/site-packages/ &&
  ldd PySide6/Qt/plugins/platforms/libqwayland-egl.so PySide6/Qt/plugins/platforms/libqwayland-generic.so \
      PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so \
      PySide6/Qt/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so \
      PySide6/Qt/plugins/platforms/libqeglfs.so PySide6/Qt/plugins/platforms/libqlinuxfb.so \
      PySide6/Qt/plugins/platforms/libqoffscreen.so \
      PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-egldevice-integration.so \
      PySide6/Qt/plugins/texttospeech/*.so PySide6/Qt/plugins/multimedia/*.so \
      PySide6/Qt/plugins/imageformats/libqsvg.so PySide6/Qt/qml/QtQuick/VirtualKeyboard/*.so \
      cv2/*.so 2>&1 | grep "not found" || echo "no library missing"' | tee "$work/ldd"
expect "$work/ldd" "^no library missing$" "every library found"
if ldd "$root"/opt/dvc-kiosk/.venv/lib/python3.11/site-packages/PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so \
   2>/dev/null | grep -q "libQt6EglFsKmsGbmSupport.*not found"; then
  echo "NOTE: the PySide6 wheel has no libQt6EglFsKmsGbmSupport.so.6: eglfs's eglfs_kms (GBM) integration" \
       "cannot load; the eglfs fallback of kiosk.service must be checked on real kiosk hardware"
fi
in_root sh -c 'ls -l /usr/bin/cage /usr/sbin/seatd /lib/systemd/system/seatd.service' \
  || fail "cage and seatd (kiosk.service's compositor and seat) are not installed"
in_root /opt/dvc-kiosk/.venv/bin/python -c 'import pyzbar.pyzbar, cv2, zxingcpp
from PySide6 import QtQuick, QtMultimedia, QtTextToSpeech, QtSvg
print("imports ok: pyzbar (libzbar0), cv2, zxingcpp, QtQuick, QtMultimedia, QtTextToSpeech, QtSvg")'

step "the UI runs from the package: kiosk demo offscreen (one language, one theme)"
in_root env QT_QPA_PLATFORM=offscreen kiosk demo --out /tmp/demo --lang vi --theme default \
  --text-size 0 > "$work/demo" 2>&1 || { tail -30 "$work/demo"; fail "kiosk demo"; }
tail -5 "$work/demo"
expect "$work/demo" "application code:" "the demo sealed an application"
ls "$root"/tmp/demo/*welcome*.png >/dev/null || fail "no Welcome screenshot"
echo "ok: $(ls "$root"/tmp/demo/*.png | wc -l) screenshots"

step "a technician configures the kiosk and it holds data"
sed -i 's/^# commune_name = .*/commune_name = "Xã Phú Hòa (edited by the technician)"/' \
  "$root/etc/dvc-kiosk/kiosk.toml"
grep -n '^commune_name' "$root/etc/dvc-kiosk/kiosk.toml"
in_root runuser -u kiosk -- kiosk provision | tee "$work/provision"
expect "$work/provision" "kiosk public key" "kiosk provision made this kiosk's key"
step "the installed kiosk, provisioned with no gateway yet, refuses to start and makes no gateway keys"
# the embedded reference gateway is for simulation only: its private keys would sit on the kiosk
set +e
in_root runuser -u kiosk -- env QT_QPA_PLATFORM=offscreen kiosk run > "$work/unprovisioned" 2>&1
code=$?
set -e
cat "$work/unprovisioned"
[ "$code" = 2 ] || fail "kiosk run without a provisioned gateway exited $code, not 2"
expect "$work/unprovisioned" "the kiosk is not provisioned: set \[gateway\] url" "one line says what to configure"
if grep -q "Traceback" "$work/unprovisioned"; then fail "a traceback instead of one line"; fi
[ ! -e "$root/var/lib/dvc-kiosk/data/gateway" ] || fail "an embedded gateway folder was made on a real kiosk"
in_root stat -c '%n %a' /var/lib/dvc-kiosk/data /var/lib/dvc-kiosk/data/keys | tee "$work/modes"
expect "$work/modes" "^/var/lib/dvc-kiosk/data/keys 700$" "the kiosk's key folder is its own (0700)"
echo "a citizen's application" > "$root/var/lib/dvc-kiosk/data/marker-application.txt"
chroot "$root" chown kiosk:kiosk /var/lib/dvc-kiosk/data/marker-application.txt
(cd "$root" && find var/lib/dvc-kiosk -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/data.before"
cat "$work/data.before"
config_sha=$(sha /etc/dvc-kiosk/kiosk.toml)

build_info=opt/dvc-kiosk/.venv/lib/python3.11/site-packages/kiosk/build_info.py
read_from() {  # read_from DEB: a folder with its build_info.py and kiosk.toml (one pass per .deb)
  local dir
  dir=$work/read/$(realpath "$1" | sha256sum | cut -c1-16)
  if [ ! -d "$dir" ]; then
    rm -rf "$dir.part" && mkdir -p "$dir.part"
    dpkg-deb --fsys-tarfile "$1" | tar -xf - -C "$dir.part" "./$build_info" ./etc/dvc-kiosk/kiosk.toml \
      && [ -f "$dir.part/$build_info" ] && [ -f "$dir.part/etc/dvc-kiosk/kiosk.toml" ] \
      || { echo "cannot read build_info.py and kiosk.toml from $1" >&2; return 1; }
    mv "$dir.part" "$dir"
  fi
  echo "$dir"
}
build_time_of() {  # the BUILD_TIME stamped in a .deb
  sed -n 's/^BUILD_TIME = "\(.*\)"$/\1/p' "$(read_from "$1")/$build_info"
}
shipped_config() { sha256sum < "$(read_from "$1")/etc/dvc-kiosk/kiosk.toml"; }

# upgrade_to DEB: dpkg -i it over what is installed, as kiosk system update does; the new version
# and build run, the technician's kiosk.toml and every file of the data are kept, postinst asks
# for the running services to restart and prerm stops nothing
upgrade_to() {
  local new_deb=$1 before=$2 new_version new_build changed=""
  read_from "$new_deb" >/dev/null && read_from "$before" >/dev/null || fail "reading the packages"
  new_version=$(dpkg-deb -f "$new_deb" Version)
  new_build=$(build_time_of "$new_deb")
  dpkg --compare-versions "$new_version" gt "$(dpkg-deb -f "$before" Version)" \
    || fail "$new_version is not newer than what is installed"
  [ "$(shipped_config "$new_deb")" = "$(shipped_config "$before")" ] || changed=changed
  step "upgrade to $new_version (build $new_build; shipped kiosk.toml ${changed:-unchanged})"
  cp "$new_deb" "$root/tmp/"
  : > "$root/var/log/policy-rc.d.log"
  mkdir -p "$root/run/systemd/system"   # the maintainer scripts now believe systemd is running
  rm -f "$root/etc/dvc-kiosk/kiosk.toml.dpkg-dist"
  in_root env POLICY_RC_D_EXIT=104 dpkg --force-confdef --force-confold -i "/tmp/$(basename "$new_deb")" 2>&1 \
    | grep -v "^System has not been booted\|^Failed to connect to bus\|Could not execute systemctl" \
    | tee "$work/upgrade"
  [ "${PIPESTATUS[0]}" = 0 ] || fail "the upgrade"
  in_root kiosk --version | tee "$work/version2"
  expect "$work/version2" "^build: $new_build, from a built package" "the new build runs"
  in_root dpkg-query -W -f='${Version}\n' dvc-kiosk | tee "$work/status2"
  expect "$work/status2" "^$(literal "$new_version")$" "the newer version is installed"
  [ "$(sha /etc/dvc-kiosk/kiosk.toml)" = "$config_sha" ] || fail "the technician's kiosk.toml was replaced"
  grep -n '^commune_name' "$root/etc/dvc-kiosk/kiosk.toml"
  echo "ok: the technician's kiosk.toml is kept"
  if [ -n "$changed" ]; then
    [ -f "$root/etc/dvc-kiosk/kiosk.toml.dpkg-dist" ] || fail "no kiosk.toml.dpkg-dist"
    echo "ok: the package's new kiosk.toml is beside it as kiosk.toml.dpkg-dist"
  fi
  (cd "$root" && find var/lib/dvc-kiosk -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/data.after"
  diff "$work/data.before" "$work/data.after" || fail "data under /var/lib/dvc-kiosk changed"
  echo "ok: /var/lib/dvc-kiosk unchanged ($(wc -l < "$work/data.before") files)"
  echo "what the maintainer scripts asked of the services (policy-rc.d's record):"
  tee "$work/asked" < "$root/var/log/policy-rc.d.log"
  for unit in kiosk.service kiosk-sync.service kiosk-speech.service; do
    expect "$work/asked" "^$unit try-restart$" "postinst restarts $unit if running"
  done
  if grep -q " stop$" "$work/asked"; then fail "an upgrade must not stop the services in prerm"; fi
  echo "ok: nothing stopped by prerm on upgrade"
}

installed=$deb
if [ -n "${NEW_DIST:-}" ]; then  # the second build writes LATEST when its .deb is complete
  step "the second build (in $NEW_DIST)"
  for ((i = 0; i < 6000; i++)); do [ -s "$NEW_DIST/LATEST" ] && break; sleep 0.2; done
  [ -s "$NEW_DIST/LATEST" ] || fail "no package in $NEW_DIST after 20 minutes"
  NEW_DEB=$(cat "$NEW_DIST/LATEST")
  echo "$NEW_DEB"
fi
if [ -n "${NEW_DEB:-}" ]; then  # a second real build (make deb with DEB_VERSION bumped)
  NEW_DEB=$(realpath "$NEW_DEB")
  upgrade_to "$NEW_DEB" "$installed"
  installed=$NEW_DEB
fi

step "a newer build of the package, re-versioned"
# the installed package re-versioned (what dpkg does on an upgrade does not depend on the
# payload): Version bumped, a later build time (so kiosk --version shows the new build), and the
# shipped kiosk.toml changed, so dpkg meets a conffile both the technician and the package changed
base_version=$(dpkg-deb -f "$installed" Version)
new=$work/new
dpkg-deb -R "$installed" "$new"
sed -i "s/^Version: .*/Version: $base_version.1/" "$new/DEBIAN/control"
build_py=$(ls "$new"/opt/dvc-kiosk/.venv/lib/python3.11/site-packages/kiosk/build_info.py)
new_build=$(date -u -d "$(build_time_of "$installed") + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
sed -i "s/^BUILD_TIME = .*/BUILD_TIME = \"$new_build\"/" "$build_py"
python3.11 -m compileall -q -s "$new" -p / "$build_py" >/dev/null  # its bytecode too, as make deb does
printf '\n# (a line added by the newer build)\n' >> "$new/etc/dvc-kiosk/kiosk.toml"
(cd "$new" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$new/DEBIAN/md5sums"
repacked=$work/dvc-kiosk_${base_version}.1_$(dpkg-deb -f "$deb" Architecture).deb
dpkg-deb --root-owner-group -Znone --build "$new" "$repacked" >/dev/null
rm -rf "$new"
echo "built $(basename "$repacked"): build $new_build"
upgrade_to "$repacked" "$installed"
new_version=$(dpkg-deb -f "$repacked" Version)

step "dpkg -r dvc-kiosk (the data stays)"
: > "$root/var/log/policy-rc.d.log"
in_root env POLICY_RC_D_EXIT=104 dpkg -r dvc-kiosk 2>&1 \
  | grep -v "^System has not been booted\|^Failed to connect to bus" | tee "$work/remove"
[ "${PIPESTATUS[0]}" = 0 ] || fail "dpkg -r"
cat "$root/var/log/policy-rc.d.log" | tee "$work/asked2"
expect "$work/asked2" "^kiosk.service .*stop$|kiosk.service stop" "prerm stops the units on removal"
for gone in /opt/dvc-kiosk /usr/bin/kiosk /lib/systemd/system/kiosk.service; do
  [ ! -e "$root$gone" ] || { find "$root$gone" | head -20; fail "$gone is still there after dpkg -r"; }
done
echo "ok: /opt/dvc-kiosk, /usr/bin/kiosk and the units are gone"
(cd "$root" && find var/lib/dvc-kiosk -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/data.removed"
diff "$work/data.before" "$work/data.removed" || fail "data under /var/lib/dvc-kiosk changed on dpkg -r"
echo "ok: /var/lib/dvc-kiosk kept ($(wc -l < "$work/data.before") files)"
[ "$(sha /etc/dvc-kiosk/kiosk.toml)" = "$config_sha" ] || fail "dpkg -r touched kiosk.toml"
echo "ok: /etc/dvc-kiosk/kiosk.toml kept (dpkg -r keeps configuration)"

step "dpkg --purge dvc-kiosk (configuration removed, the data still stays)"
in_root dpkg --purge dvc-kiosk 2>&1 | tee "$work/purge"
[ "${PIPESTATUS[0]}" = 0 ] || fail "dpkg --purge"
[ ! -e "$root/etc/dvc-kiosk/kiosk.toml" ] || fail "purge left kiosk.toml"
(cd "$root" && find var/lib/dvc-kiosk -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/data.purged"
diff "$work/data.before" "$work/data.purged" || fail "data under /var/lib/dvc-kiosk changed on purge"
echo "ok: purge removed /etc/dvc-kiosk's files; /var/lib/dvc-kiosk kept ($(wc -l < "$work/data.before") files)"
in_root id kiosk

step "lintian (errors fail the check; the overrides and their reasons: packaging/debian/lintian-overrides)"
if [ -z "$lintian_pid" ]; then
  echo "skipped (DVC_SKIP_LINTIAN=1: only while working on this script)"
else
  echo "$ lintian ${lintian_args[*]} $deb"
  if wait "$lintian_pid"; then lintian_rc=0; else lintian_rc=$?; fi
  lintian_pid=""
  grep -v "^W: dvc-kiosk: unusual-interpreter" "$work/lintian" || true
  [ "$lintian_rc" = 0 ] || fail "lintian reported errors (exit $lintian_rc)"
  echo "ok: lintian: no errors, $(grep -c '^W:' "$work/lintian") warnings" \
    "($(grep -c '^W: dvc-kiosk: unusual-interpreter' "$work/lintian") unusual-interpreter not shown)"
fi

step "APPLIANCE CHECK PASSED: dvc-kiosk $version installed, upgraded to $new_version, removed, purged (${SECONDS}s)"
