"""Where each client's site is published: its folder under the published site.

By default that is the client's slug; `path:` in client.yml sets it, and with
`MILEPOST_PATH_SECRET` set the folder is derived from that secret (an HMAC of the slug), so
nobody can guess a client's address from its name, and the same secret always gives the same
addresses. A fact of the checked settings, so `portal.py` checks it as the build uses it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence

from milepost.errors import PrivacyError
from milepost.load.slugs import RESERVED_NAMES, OwnFolder
from milepost.model import Client

# The names Milepost's sites use for their own folders (load/slugs.py), the root's folder of
# the theme's files every site shares among them: no client's site may be published there.
RESERVED_FOLDERS = RESERVED_NAMES
PATH_SECRET_VARIABLE = "MILEPOST_PATH_SECRET"
MIN_SECRET_LENGTH = 16

def derived_folder(slug: str, secret: str) -> str:
    """An unguessable, stable folder name for a client: 24 characters (120 bits) of an HMAC."""
    digest = hmac.new(secret.encode("utf-8"), f"milepost-client-folder:{slug}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()[:15]).decode("ascii").lower()


def client_folder(client: Client, secret: str | None) -> str:
    """Where the client's site is published: `path:`, else derived from the secret, else the slug."""
    if client.path:
        return client.path
    if secret:
        return derived_folder(client.slug, secret)
    return client.slug


def path_secret(environ: Mapping[str, str] | None = None) -> str | None:
    """The secret from MILEPOST_PATH_SECRET, or None when it is not set."""
    value = (os.environ if environ is None else environ).get(PATH_SECRET_VARIABLE, "").strip()
    if not value:
        return None
    if len(value) < MIN_SECRET_LENGTH:
        raise PrivacyError(
            f"{PATH_SECRET_VARIABLE} is too short to keep addresses unguessable: use at least "
            f"{MIN_SECRET_LENGTH} random characters, e.g. the output of `openssl rand -hex 32`."
        )
    return value


def client_folders(clients: Sequence[Client], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each client's folder by slug. Raises `PrivacyError` when two clients would share one."""
    secret = path_secret(environ)
    folders: dict[str, str] = {}
    owners: dict[str, Client] = {}
    for client in clients:
        folder = client_folder(client, secret)
        if folder.lower() in RESERVED_FOLDERS:
            raise PrivacyError(reserved_message(client, folder))
        other = owners.get(folder.lower())
        if other is not None:
            raise PrivacyError(
                f"{client.source or client.slug}: its site would be published in the folder "
                f"'{folder}', like the site of {other.source or other.slug}; give one of them "
                "another `path:`."
            )
        owners[folder.lower()] = client
        folders[client.slug] = folder
    return folders


def reserved_message(client: Client, folder: str) -> str:
    """Why a client's site cannot go to `folder`: Milepost keeps the name for its own files."""
    how = "give it a `path:` in client.yml" if not client.path else "give it another `path:`"
    return (
        f"{client.source or client.slug}: its site would be published in the folder '{folder}', a name "
        f"Milepost keeps for a folder of its own ({OwnFolder(folder.lower()).holds}); {how}."
    )
