"""The salt of a protected site (publish/protection.py): derived, not random, and different
for every client and site folder."""

from __future__ import annotations

from milepost.publish.protection import site_salt


def test_the_salt_depends_on_the_client_and_the_folder_too() -> None:
    base = site_salt("Marmalade-Quokka-Lantern-42", client="salty", site_folder="k3v9q2m7", iterations=1000)
    assert base == site_salt("Marmalade-Quokka-Lantern-42", client="salty", site_folder="k3v9q2m7", iterations=1000)
    assert base != site_salt("Marmalade-Quokka-Lantern-42", client="other", site_folder="k3v9q2m7", iterations=1000)
    assert base != site_salt("Marmalade-Quokka-Lantern-42", client="salty", site_folder="salty", iterations=1000)
    assert len(base) == 16
