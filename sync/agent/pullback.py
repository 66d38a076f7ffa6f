"""What comes back from the gateway: status changes by cursor, the ack, and ride-alongs.

These run after the queue is drained, on the same signed link. None of them can hurt an
application: a failure here is logged in the pass report and tried again next pass.
"""

from __future__ import annotations

from kiosk.store.schema import SYNC_KEY_CURSOR
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.outbox import Outbox
from sync.protocol.canonical import canonical_json

MAX_PAGES = 100


def pull_status(client: GatewayClient, outbox: Outbox, limit: int = 100) -> int:
    """Follow the opaque cursor until a page comes back empty; the cursor is saved per page."""
    updated = 0
    for _ in range(MAX_PAGES):
        page = client.status_page(outbox.get_state(SYNC_KEY_CURSOR), limit)
        items = page.get("items", [])
        if not isinstance(items, list):
            break
        updated += outbox.apply_status(i for i in items if isinstance(i, dict))
        cursor = page.get("next_cursor")
        if isinstance(cursor, str) and cursor:
            outbox.set_state(SYNC_KEY_CURSOR, cursor)
        if len(items) < limit:
            break
    return updated


def check_ack(client: GatewayClient, outbox: Outbox) -> tuple[int, int]:
    """(acked, requeued): the gateway's view of what it holds, so a lost one is sent again."""
    ack = client.ack()
    highest = ack.get("highest_contiguous_seq", 0)
    missing = ack.get("missing_seqs", [])
    if not isinstance(highest, int) or not isinstance(missing, list):
        return (0, 0)
    return outbox.apply_ack(highest, [m for m in missing if isinstance(m, int)])


def send_ratings(client: GatewayClient, outbox: Outbox, kiosk_id: str) -> int:
    """Ratings batch, with queue-ticket counts riding along in the same signed POST.

    The protocol's /v1/ratings body is ``{kiosk_id, items}``; ticket counts travel as an extra
    ``queue_tickets: [{day, field, count, max_number}]`` member. A gateway that refuses unknown
    members (400/422) gets the ratings again without it, and the counts wait for a gateway that
    takes them: ratings must never be held hostage by the extension.
    """
    ratings = outbox.unsent_ratings()
    tickets = outbox.unsent_ticket_counts()
    if not ratings and not tickets:
        return 0
    body: dict[str, object] = {"kiosk_id": kiosk_id, "items": ratings}
    if tickets:
        body["queue_tickets"] = tickets
    try:
        answer = client.post_ratings(canonical_json(body))
        if tickets:
            outbox.mark_tickets_sent((str(t["day"]), str(t["field"])) for t in tickets)
    except GatewayError as err:
        if not tickets or err.failure.status not in (400, 422) or not ratings:
            raise
        answer = client.post_ratings(canonical_json({"kiosk_id": kiosk_id, "items": ratings}))
    accepted = answer.get("accepted", [])
    ids = [str(a) for a in accepted] if isinstance(accepted, list) else []
    outbox.mark_ratings_sent(ids)
    return len(ids)
