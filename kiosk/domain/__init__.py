"""The kiosk's domain in pure Python (no Qt, no storage, no devices): catalog, identity, rules, flow.

Import from the modules themselves (``kiosk.domain.session``, ``kiosk.domain.application``...).
"""
