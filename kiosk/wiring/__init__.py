"""The composition root: the one place where the kiosk's parts are chosen and connected.

- :mod:`kiosk.wiring.root`: ``build_kiosk(config)`` (store, catalog, devices, keys, the embedded
  gateway) for ``kiosk run``, ``kiosk demo``, the CLI commands and the GUI tests alike;
- :mod:`kiosk.wiring.devices`: real or simulated devices, from the configuration;
- :mod:`kiosk.wiring.embedded`: the reference gateway on loopback (the default);
- :mod:`kiosk.wiring.gateway`: the agent's configuration and the sync actions the UI is given;
- :mod:`kiosk.wiring.ui`: the citizen UI's ports (``UiServices``);
- :mod:`kiosk.wiring.admin`: technician and staff mode's ports (``AdminServices``);
- :mod:`kiosk.wiring.devdock`: the testers' tools of a simulated kiosk (``kiosk ctl``, dev dock);
- :mod:`kiosk.wiring.sim`: a whole simulated kiosk in a folder (GUI tests, benchmarks).

Nothing in ``kiosk.ui`` imports this package (an import-linter contract): the UI gets its ports.
"""
