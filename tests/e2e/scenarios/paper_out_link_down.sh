#!/bin/sh
# A complete citizen session on a running simulated kiosk, with the printer out of paper at the
# slip and the link down when the agent wants to send; then paper back, link back, and sync.
#
#   kiosk run --simulate --windowed &        # or: make run (it is simulated by default)
#   sh tests/e2e/scenarios/paper_out_link_down.sh
#
# KIOSK    the kiosk command (default "kiosk"; e.g. ".venv/bin/kiosk --config my.toml")
# OUT      where the screenshots go (default out/scenario)
# SYNC     "once" (default): run `kiosk sync once` here; "agent": a kiosk-sync agent is running,
#          wait for it; "skip": only the kiosk side (no agent, no gateway)
set -eu

KIOSK=${KIOSK:-kiosk}
OUT=${OUT:-out/scenario}
SYNC=${SYNC:-once}
mkdir -p "$OUT"

ctl() { $KIOSK ctl "$@"; }
# the "text" of a `kiosk ctl read` answer ({"name": ..., "text": ...})
text_of() { ctl read "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["text"])'; }
screen() { ctl screen | python3 -c 'import json, sys; print(json.load(sys.stdin)["screen"])'; }
step() { printf '\n== %s\n' "$*"; }

step "a known start: everything working"
ctl wait-screen welcome 60
ctl printer ok
ctl scanner ok
ctl camera plug
ctl link up

step "the citizen chooses a procedure and shows the ID card's QR"
ctl tap startButton
ctl wait-screen procedure
ctl tap proc_HT-XNHN
ctl tap procedureGo
ctl wait-screen login
ctl qr-sample 1
ctl wait-screen question

step "answers: the first choice each time (land matters, so no spouse name to type)"
ctl tap option_1
ctl tap nextButton
n=0
while [ "$(screen)" = question ] && [ $n -lt 6 ]; do
    ctl tap option_0
    ctl tap nextButton
    n=$((n + 1))
done
ctl wait-screen documents

step "one optional document, a page with a red seal"
ctl feed 1 seal
ctl tap scan_previous_status_certificate
ctl wait-item delete_previous_status_certificate 30
ctl tap nextButton
ctl wait-screen review
ctl screenshot "$OUT/review.png"

step "FAULT: the printer runs out of paper before the slip"
ctl printer no_paper
ctl tap nextButton
ctl wait-screen confirm
# With the link up the kiosk asks the gateway to send an OTP to the citizen's phone; a tester has no
# such phone, so take the "Tôi không nhận được mã" way to the kiosk's own code (offline it is shown
# straight away).
if ctl wait-item confirmNoCode 3 >/dev/null 2>&1; then
    ctl tap confirmNoCode
fi
ctl wait-item confirmCode 30
CODE6=$(text_of confirmCode | tr -dc 0-9)
ctl keypad "$CODE6"
ctl tap confirm_ok
ctl wait-screen done 60
ctl wait-item officerNotice 30             # the slip did not print: staff are called at once
APP=$(text_of doneCode)
echo "application $APP sealed; the slip did not print: $(text_of donePrintState)"
ctl screenshot "$OUT/done_paper_out.png"

step "the officer puts paper in; the citizen finishes"
ctl printer ok
ctl tap nextButton
ctl wait-screen rating
ctl tap rate_3
ctl wait-screen welcome 30

step "FAULT: the link goes down"
ctl link down
case $SYNC in
    once)
        if $KIOSK sync once; then
            echo "sync should not succeed with the link down" >&2
            exit 1
        fi
        $KIOSK sync status ;;
    agent) $KIOSK sync status ;;
    skip) ;;
esac

step "an hour later the link is back; send now"
ctl clock +1h
ctl link up
case $SYNC in
    once)
        $KIOSK sync once ;;
    agent)
        $KIOSK sync now
        i=0
        until $KIOSK sync status --json | python3 -c '
import json, sys
q = json.load(sys.stdin)["queue"]
waiting = sum(q.get(s, 0) for s in ("sealed", "queued", "uploading", "committing", "retry_wait"))
sys.exit(0 if waiting == 0 else 1)'; do
            i=$((i + 1))
            if [ $i -ge 60 ]; then echo "the agent did not send within 60 s" >&2; exit 1; fi
            sleep 1
        done ;;
    skip) ;;
esac
if [ "$SYNC" != skip ]; then
    $KIOSK sync status
    step "the back office moves it on (refused unless the gateway has it, committed)"
    ctl gateway-status "$APP" processing "Hồ sơ đang được xử lý"
fi

step "done: $APP"
