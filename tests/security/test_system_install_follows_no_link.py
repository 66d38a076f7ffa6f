"""``kiosk system install`` (run by root, by hand) never writes through a link the kiosk user planted.

/etc/dvc-kiosk is 0770 root:kiosk: the kiosk user may write there (the technician's settings
form). ``kiosk system install`` wrote ``/etc/dvc-kiosk/kiosk.toml`` and
``/etc/dvc-kiosk/speech-dispatcher/speechd.conf`` with ``write_text`` after ``exists()``, which
follow links: a dangling link planted there made root create any file it named (say
``/etc/sudoers.d/x``, breaking sudo), a link to an existing file made root overwrite it. Now a
file is made under a temporary name and renamed into place (a rename replaces a link, never
follows it), and a link found where a kept file would be is left as it is, unfollowed.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.system_install import install


def test_links_planted_in_the_kiosks_config_folder_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    folder = root / "etc/dvc-kiosk"
    (folder / "speech-dispatcher").mkdir(parents=True)
    created = tmp_path / "sudoers.d-x"  # would be made by root
    existing = tmp_path / "shadow"  # would be overwritten by root
    existing.write_text("root:$y$...:19000::::::\n", "utf-8")
    (folder / "kiosk.toml").symlink_to(created)
    (folder / "speech-dispatcher/speechd.conf").symlink_to(existing)

    install(root, prefix=Path("/opt/dvc-kiosk"))

    assert not created.exists()
    assert existing.read_text("utf-8") == "root:$y$...:19000::::::\n"


def test_units_replace_a_planted_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    root = tmp_path / "root"
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("untouched\n", "utf-8")
    (units / "kiosk.service").symlink_to(victim)

    install(root, prefix=Path("/opt/dvc-kiosk"))

    assert victim.read_text("utf-8") == "untouched\n"
    assert not (units / "kiosk.service").is_symlink()
    assert "ExecStart=" in (units / "kiosk.service").read_text("utf-8")


def test_what_it_writes_is_readable_by_the_kiosk_user_under_the_clis_umask(tmp_path: Path) -> None:
    """``kiosk`` runs every command under umask 077; kiosk.toml made 0600 root could not be read
    by kiosk.service (User=kiosk)."""
    import os

    old = os.umask(0o077)
    try:
        install(tmp_path / "root", prefix=Path("/opt/dvc-kiosk"))
    finally:
        os.umask(old)
    for path in ("etc/dvc-kiosk/kiosk.toml", "etc/dvc-kiosk/speech-dispatcher/speechd.conf",
                 "etc/systemd/system/kiosk.service"):
        assert (tmp_path / "root" / path).stat().st_mode & 0o777 == 0o644, path
