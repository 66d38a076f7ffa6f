"""Protocol v1 shared by the kiosk (sealing), the sync agent and the reference gateway.

Pure functions and value types only: no I/O beyond key files, no threads, no Qt.
"""
