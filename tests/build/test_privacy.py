"""Privacy by construction: separate sites, unguessable folders, a root that lists nobody,
noindex everywhere, and a scan of every built file for other clients' data and for secrets."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from factories import client_yml, git, make_portal, make_repo, milestone, project_yml, task
from git_http_server import serve_git_over_http
from milepost.cli import main as milepost
from milepost.errors import BuildFailed, PrivacyError
from milepost.history.remotes import parse_remote, token_variables
from milepost.load.client_folders import client_folders, derived_folder, path_secret
from milepost.mkdocs.build import build_clients
from milepost.model import Client

TODAY = dt.date(2026, 11, 24)
SITE_URL = "https://status.agency.example/"
PATH_SECRET = "9f1c2e7a4b6d8e0f3a5c7e9b1d3f5a7c"
ACCESS_TOKEN = "ghp_EnvironmentTokenNeverPublished0000000003"
COMMITTED_TOKEN = "ghp_TokenPastedIntoACommitMessage00000000004"

AURORA = {
    "name": "Aurora Bakery",
    "contact": "Agnieszka Amberwood",
    "project": "Sourdough portal",
    "summary": "Ordering bread online.",
    "milestone": "Croissant checkout",
    "task": "Rye basket",
    "commit": "Dough calculator",
}
BOREAL = {
    "name": "Boreal Freight",
    "contact": "Bartosz Birchwood",
    "project": "Fleet tracker",
    "summary": "Where every lorry is.",
    "milestone": "Lorry map",
    "task": "Tachograph import",
    "commit": "Route planner",
}


def client_of(data: dict[str, str], **fields: str) -> str:
    contacts = [{"name": data["contact"], "role": "Project manager"}]
    return client_yml(name=data["name"], contacts=contacts, response_time=None, **fields)


def project_of(data: dict[str, str], repository: dict[str, str]) -> str:
    return project_yml(
        name=data["project"],
        summary=data["summary"],
        repositories=[repository],
        milestones=[milestone(title=data["milestone"], tasks=[task(data["task"], "2026-11-10")])],
    )


def words_of(data: dict[str, str]) -> list[str]:
    return list(data.values())


def every_file(folder: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            yield path, raw.decode("utf-8", errors="replace")


@pytest.fixture
def two_clients(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """Aurora reads a local repository; Boreal reads a private one over HTTP with a token from
    the environment, and one of its shown commits quotes a token."""
    make_repo(
        tmp_path / "aurora-code",
        [{"message": f"feat: {AURORA['commit']}", "date": "2026-11-09T10:00:00+01:00"}],
    )
    boreal = make_repo(
        tmp_path / "boreal-code",
        [
            {"message": f"feat: {BOREAL['commit']}", "date": "2026-11-09T10:00:00+01:00"},
            {
                "message": f"fix: tracker login\n\nClient: Logging in works again (key {COMMITTED_TOKEN}).",
                "date": "2026-11-16T10:00:00+01:00",
            },
        ],
    )
    bare = tmp_path / "served" / "boreal.git"
    bare.parent.mkdir()
    git(bare.parent, "clone", "-q", "--bare", str(boreal), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    with serve_git_over_http(bare, ACCESS_TOKEN) as (url, _):
        monkeypatch.setenv(token_variables(parse_remote(url))[-1], ACCESS_TOKEN)
        yield make_portal(
            tmp_path,
            {
                "aurora/client.yml": client_of(AURORA),
                "aurora/bread.yml": project_of(AURORA, {"path": "../../aurora-code"}),
                "boreal/client.yml": client_of(BOREAL),
                "boreal/fleet.yml": project_of(BOREAL, {"url": url}),
            },
        )


def test_no_file_of_a_client_holds_another_clients_data_or_a_secret(two_clients: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    outcome = build_clients(two_clients, site_dir=site, today=TODAY)
    assert outcome.ok, outcome.failed
    # The builds really read both histories (so the scan below looks at real pages).
    assert AURORA["commit"] in (site / "aurora" / "bread" / "index.html").read_text(encoding="utf-8")
    fleet = (site / "boreal" / "fleet" / "index.html").read_text(encoding="utf-8")
    assert BOREAL["commit"] in fleet and "Logging in works again" in fleet

    for own, other, other_slug in (("aurora", BOREAL, "boreal"), ("boreal", AURORA, "aurora")):
        for path, text in every_file(site / own):
            for word in [*words_of(other), other["name"].split()[0], other_slug]:
                assert word not in text, f"{word!r} of another client in {path}"
            for secret in (ACCESS_TOKEN, COMMITTED_TOKEN):
                assert secret not in text, f"a secret in {path}"
    for path, text in every_file(site):
        assert ACCESS_TOKEN not in text and COMMITTED_TOKEN not in text, path
    # The clone in the cache kept no credentials either (the token only ever lived in the
    # environment of the git process that needed it).
    for path, text in every_file(tmp_path / ".cache" / "remotes"):
        assert ACCESS_TOKEN not in text, path


def test_each_client_has_its_own_search_index_sitemap_and_feeds(two_clients: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build_clients(two_clients, site_dir=site, today=TODAY).ok
    for slug, project in (("aurora", "bread"), ("boreal", "fleet")):
        locations = re.findall(r"<loc>([^<]+)</loc>", (site / slug / "sitemap.xml").read_text(encoding="utf-8"))
        assert locations, slug
        assert all(loc.startswith(f"{SITE_URL}{slug}/") for loc in locations), locations
        index = json.loads((site / slug / "search" / "search_index.json").read_text(encoding="utf-8"))
        pages = {re.split(r"[/#]", doc["location"])[0] for doc in index["docs"]}
        assert pages <= {"", "index.html", project} and project in pages, pages
        feed = (site / slug / project / "feed.xml").read_text(encoding="utf-8")
        assert f"{SITE_URL}{slug}/{project}/" in feed


def test_pages_ask_search_engines_to_stay_away_and_the_root_lists_nobody(two_clients: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build_clients(two_clients, site_dir=site, today=TODAY).ok
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 7
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<meta name="robots" content="noindex, nofollow', text), page
        assert '<meta name="referrer" content="no-referrer">' in text, page
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    root = (site / "index.html").read_text(encoding="utf-8")
    for word in ("aurora", "Aurora", "boreal", "Boreal", 'href="'):
        assert word not in root, word
    assert sorted(p.name for p in site.iterdir()) == [
        ".milepost", "assets", "aurora", "boreal", "index.html", "robots.txt"
    ]


def test_a_path_secret_gives_unguessable_stable_folders(two_clients: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MILEPOST_PATH_SECRET", PATH_SECRET)
    site = tmp_path / "site"
    outcome = build_clients(two_clients, site_dir=site, today=TODAY)
    assert outcome.ok, outcome.failed
    aurora, boreal = derived_folder("aurora", PATH_SECRET), derived_folder("boreal", PATH_SECRET)
    assert outcome.built == {"aurora": site / aurora, "boreal": site / boreal}
    assert re.fullmatch(r"[a-z2-7]{24}", aurora) and aurora != boreal
    assert sorted(p.name for p in site.iterdir()) == sorted(
        [".milepost", "assets", aurora, boreal, "index.html", "robots.txt"]
    )
    # Links inside the site are relative; absolute ones (sitemap, feeds) use the folder.
    sitemap = (site / aurora / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}{aurora}/" in sitemap and "/aurora/" not in sitemap

    assert milepost(["clients", "--config-file", str(two_clients), "--today", "2026-11-24"]) == 0
    listing = capsys.readouterr().out
    assert f"aurora: site/{aurora}/" in listing and f"boreal: site/{boreal}/" in listing
    assert milepost(["clients", "--json", "--config-file", str(two_clients), "--today", "2026-11-24"]) == 0
    listed = capsys.readouterr().out
    assert json.loads(listed) == ["aurora", "boreal"]
    assert aurora not in listed  # a CI matrix shows its values in logs: slugs only

    # Another secret, other folders; the same secret, the same folders.
    assert derived_folder("aurora", PATH_SECRET + "x") != aurora
    assert derived_folder("aurora", PATH_SECRET) == aurora


def test_path_in_client_yml_wins_and_must_be_unique(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MILEPOST_PATH_SECRET", PATH_SECRET)
    make_repo(tmp_path / "aurora-code", ["feat: first"])
    files = {
        "aurora/client.yml": client_of(AURORA, path="k7q2m9x4w8r3t6y1"),
        "aurora/bread.yml": project_of(AURORA, {"path": "../../aurora-code"}),
        "boreal/client.yml": client_of(BOREAL, path="K7Q2M9X4W8R3T6Y1"),
        "boreal/fleet.yml": project_of(BOREAL, {"path": "../../aurora-code"}),
    }
    config = make_portal(tmp_path, files)
    with pytest.raises(BuildFailed) as caught:
        build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    message = str(caught.value)
    assert "projects/boreal/client.yml" in message and "projects/aurora/client.yml" in message
    assert "another `path:`" in message
    assert not (tmp_path / "site").exists()  # nothing was built

    (tmp_path / "projects" / "boreal" / "client.yml").write_text(client_of(BOREAL), encoding="utf-8")
    outcome = build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.built["aurora"] == tmp_path / "site" / "k7q2m9x4w8r3t6y1"
    assert outcome.built["boreal"] == tmp_path / "site" / derived_folder("boreal", PATH_SECRET)


def test_folders_without_settings_are_the_slugs_and_short_secrets_are_refused() -> None:
    clients = [Client(slug="aurora", name="A"), Client(slug="boreal", name="B", path="b-site")]
    assert client_folders(clients, environ={}) == {"aurora": "aurora", "boreal": "b-site"}
    assert path_secret({"MILEPOST_PATH_SECRET": "  "}) is None
    with pytest.raises(PrivacyError, match="too short"):
        client_folders(clients, environ={"MILEPOST_PATH_SECRET": "short"})


def test_a_password_written_into_password_env_is_not_printed(tmp_path: Path, capsys) -> None:
    make_repo(tmp_path / "aurora-code", ["feat: first"])
    config = make_portal(
        tmp_path,
        {
            # Written out: the message names line 6.
            "aurora/client.yml": (
                "name: Aurora Bakery\n"
                "language: en\n"
                "timezone: Europe/Warsaw\n"
                "contacts:\n"
                "  - {name: Agnieszka Amberwood, role: Project manager}\n"
                "password_env: hunter2-Secret!\n"
            ),
            "aurora/bread.yml": project_of(AURORA, {"path": "../../aurora-code"}),
        },
    )
    assert milepost(["check", "--config-file", str(config), "--today", "2026-11-24"]) == 1
    out = capsys.readouterr().out
    assert "client.yml:6: password_env: expected an environment variable name in capitals" in out
    assert "hunter2" not in out
