"""Password protection of a whole client site, for hosts without access control.

After MkDocs has built a client's site, every file that holds the client's data is encrypted
with a key derived from the site's password (PBKDF2-HMAC-SHA256, then AES-256-GCM):
- each HTML page becomes a neutral "enter the password" page in the client's language that
  carries the encrypted original; `assets/milepost-unlock.js` decrypts it in the browser
  (WebCrypto, no library, no CDN) and shows the real page. Titles, names and everything else
  stay inside the ciphertext; the key is kept in the tab's sessionStorage, so the password is
  typed once per visit;
- the search index and the feeds (status.json, feed.xml, calendar.ics) are stored encrypted
  as `<name>.enc`: the unlocked page decrypts the index for search, and a click on a feed link
  downloads a decrypted copy. Feed readers and calendar apps cannot type a password, so a
  protected site has no live subscriptions;
- the sitemap is left out: it would only list addresses, and search engines are told to stay
  away anyway.
Milepost's marker (`.milepost`, publish/site_ownership.py) says only that a build made the
folder, and stays as it is. The theme's own files (`assets/`) are the same for every client and stay as they are: they
hold nothing of any client (mkdocs-material's and Milepost's scripts, styles and fonts), so a
protected site links to the copy all the build's sites share (publish/shared_assets.py), as
its locked pages do for the unlock script.

The salt stays the same from build to build while the password does not change, so a client
who unlocked the site keeps it unlocked after a deploy (the unlock script remembers the key
under its salt for the browser session); a new password gives a new salt. It is derived, not
drawn at random: `site_salt` runs PBKDF2 over the password with the client's slug and the
site's folder name as its salt, as many iterations as the key's own derivation. The trade-off,
since the salt is public in every page:
- checking a guessed password against the salt costs exactly what checking it against a page
  costs (a full PBKDF2 run), so the salt gives no shortcut to the password;
- two sites with the same password get different salts (the slug and the folder differ), so
  one table of guesses serves one site only, as with a random salt. What is lost: such a table
  could be computed before the site is published, knowing its address and the client's slug;
  with a random salt only after. A long password (MIN_PASSWORD_LENGTH, e.g. four random words)
  is what protects the site either way;
- the salt tells that the password did not change since an earlier build (or did); a random
  salt, new every build, did not. The nonces stay random, one per file and build, so no key
  and nonce pair is ever used twice.

mkdocs-encryptcontent-plugin (3.1.0) was evaluated first and not used: it leaves page titles
in <title>, the header, the navigation and the table of contents (milestone titles), drops
protected pages from the search index instead of encrypting them (its encrypted index needs a
patched theme with mkdocs-material), leaves generated files such as feeds in clear text, and
keeps its password inventory in class-level state that every build in one process shares
(`milepost build` builds all clients in one process).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from markupsafe import Markup

from milepost.errors import ProtectionError
from milepost.i18n import Texts, texts_for
from milepost.load.slugs import OwnFolder
from milepost.model import Client
from milepost.publish.privacy import ROBOTS_META
from milepost.publish.site_ownership import MARKER
from milepost.render.environment import render

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

PBKDF2_ITERATIONS = 600_000  # OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023)
MIN_PASSWORD_LENGTH = 12
NONCE_BYTES = 12
SALT_BYTES = 16
ENCRYPTED_SUFFIX = ".enc"
UNLOCK_SCRIPT = "assets/milepost-unlock.js"
_UNLOCK_SOURCE = Path(__file__).parent.parent / "assets" / "milepost-unlock.js"
_DROPPED = ("sitemap.xml", "sitemap.xml.gz")
_THEME_FOLDER = OwnFolder.THEME.value


@dataclass(frozen=True)
class ProtectedSite:
    pages: int  # HTML pages replaced by their locked form
    files: int  # other files stored encrypted
    dropped: tuple[str, ...]  # files left out (the sitemap)


def site_password(client: Client, environ: Mapping[str, str] | None = None) -> str | None:
    """The password of the client's site from the variable named by `password_env:`; None when
    the site is not protected. Raises `ProtectionError` when the variable is unset or too short
    (a protected client's site is never published without its password)."""
    if not client.password_env:
        return None
    value = (os.environ if environ is None else environ).get(client.password_env, "")
    where = client.source or f"projects/{client.slug}/client.yml"
    if not value.strip():
        raise ProtectionError(
            f"{where}: password_env: the variable {client.password_env} is not set, so the "
            "protected site cannot be built. Set it to the site's password in the build's "
            "environment (in CI: from a secret); the previous site stays published meanwhile."
        )
    if len(value) < MIN_PASSWORD_LENGTH:
        raise ProtectionError(
            f"{where}: password_env: the password in {client.password_env} is shorter than "
            f"{MIN_PASSWORD_LENGTH} characters; anyone holding the site's files could try every "
            "short password. Use a longer one, e.g. four random words."
        )
    return value


def protect_site(
    folder: Path,
    password: str,
    *,
    language: str,
    client: str,
    site_folder: str,
    iterations: int = PBKDF2_ITERATIONS,
) -> ProtectedSite:
    """Encrypt the built site in `folder` in place (see the module's description): the site of
    client `client` (slug), published as `site_folder` under the site root."""
    salt = site_salt(password, client=client, site_folder=site_folder, iterations=iterations)
    key = derive_key(password, salt, iterations)
    cipher = AESGCM(key)
    texts = texts_for(language)
    pages = files = 0
    dropped: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if relative.parts[0] == _THEME_FOLDER or relative.as_posix() == MARKER:
            continue  # the theme's files hold nothing of the client; the marker neither
        if relative.as_posix() in _DROPPED:
            path.unlink()
            dropped.append(relative.as_posix())
        elif path.suffix == ".html":
            nonce = os.urandom(NONCE_BYTES)
            payload = {
                "v": 1,
                "iterations": iterations,
                "salt": _b64(salt),
                "iv": _b64(nonce),
                "data": _b64(cipher.encrypt(nonce, path.read_bytes(), None)),
            }
            depth = len(relative.parts) - 1
            path.write_text(locked_page(payload, root="../" * depth or "./", texts=texts), encoding="utf-8")
            pages += 1
        else:
            nonce = os.urandom(NONCE_BYTES)
            sealed = path.with_name(path.name + ENCRYPTED_SUFFIX)
            sealed.write_bytes(nonce + cipher.encrypt(nonce, path.read_bytes(), None))
            path.unlink()
            files += 1
    add_unlock_script(folder)
    log.info("Encrypted %d pages and %d files of %s.", pages, files, folder.name)
    return ProtectedSite(pages=pages, files=files, dropped=tuple(dropped))


def add_unlock_script(folder: Path) -> None:
    """Put the unlock script among the site's assets (every site has it: the shared assets of
    protected and open sites are then the same files, publish/shared_assets.py)."""
    script = folder / UNLOCK_SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_UNLOCK_SOURCE, script)


def site_salt(password: str, *, client: str, site_folder: str, iterations: int = PBKDF2_ITERATIONS) -> bytes:
    """The site's salt: the same while the password, the client and the site's folder are (see
    the module's description for why it costs a full PBKDF2 run)."""
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    context = f"milepost-salt\x1f{client}\x1f{site_folder}".encode()
    return hashlib.pbkdf2_hmac("sha256", secret, context, iterations, dklen=SALT_BYTES)


def derive_key(password: str, salt: bytes, iterations: int = PBKDF2_ITERATIONS) -> bytes:
    """The AES-256 key for `password`, exactly as the browser derives it (UTF-8 of NFC text)."""
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", secret, salt, iterations, dklen=32)


def locked_page(payload: dict[str, object], *, root: str, texts: Texts) -> str:
    """The page shown in place of an encrypted one: a password form and nothing of the client
    (templates/locked_page.html.j2)."""
    data = json.dumps(payload, separators=(",", ":"))
    return render(
        "locked_page.html.j2",
        texts,
        language=texts.language,
        robots=ROBOTS_META,
        root=root,
        script=UNLOCK_SCRIPT,
        # Markup: the payload holds base64 text and numbers only (no "<", "&" or quote inside a
        # string can end the <script>), and escaping it would break the JSON.
        payload=Markup(data),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
