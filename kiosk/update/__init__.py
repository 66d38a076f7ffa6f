"""Software updates of the kiosk's Debian package: between sessions only, rolled back on a failed start.

- `gate`: the running UI says whether it is idle at Welcome and steps aside for an update.
- `trial`: the installed package is on trial until the kiosk reaches Welcome (the last-good idea
  of `kiosk.admin.config_keeper` applied to the package), with the previous `.deb` kept to go back.
- `apt`: apt-get/dpkg/systemctl behind small classes (a throwaway root in the tests).
- `updater`: `kiosk system update` from the signed apt repository or a staff USB stick.
- `repo`: the province side: publish a signed apt repository, make and verify a USB bundle.
"""
