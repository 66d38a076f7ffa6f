"""UI benchmark: cold start to Welcome, tap to next screen rendered (p95), memory over sessions.

`python -m bench.ui.run [--sessions 200]`, offscreen. The measuring code lives beside the UI in
kiosk/ui/bench.py (it drives the real view-models); this is the project's benchmark entry point.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.ui.bench import main

if __name__ == "__main__":
    main()
