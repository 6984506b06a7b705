"""German sentences that hold a name (a milestone's or a project's title) stay grammatical for
any name: the name comes after "der Meilenstein" / "das Projekt" in quotes, never straight
after a preposition or verb that asks for an article ("zu Online-Terminbuchung", "kommt
Übersicht"). A real build of a German client (its letters: tests/unit/test_letter_wording.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from factories import client_yml, make_portal, make_repo, project_yml
from milepost.mkdocs.build import build_clients

TODAY = dt.date(2026, 11, 24)


def test_german_pages_put_an_article_before_a_name(tmp_path: Path) -> None:
    make_repo(tmp_path / "repo", [{"message": "feat: Kalender", "date": "2026-11-16T10:00:00+01:00"}])
    config = make_portal(tmp_path, {
        "praxis/client.yml": client_yml(
            name="Praxis Weber", language="de", timezone="Europe/Berlin",
            contacts=[{"name": "Jonas Weber", "role": "Projektleiter"}], response_time="innerhalb eines Tages",
        ),
        "praxis/termine.yml": project_yml(
            name="Online-Terminbuchung", summary="Patienten buchen Termine im Netz.",
            milestones=[
                {"id": "kalender", "title": "Kalender", "start": "2026-10-01", "due": "2026-11-10",
                 "done": "2026-11-06", "tasks": [{"title": "Ansicht", "done": "2026-11-05"}]},
                {"id": "uebersicht", "title": "Übersicht", "start": "2026-11-11", "due": "2027-01-20",
                 "tasks": [{"title": "Liste", "done": "2026-11-20"}, {"title": "Filter"}]},
            ],
        ),
    })
    outcome = build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.ok, outcome.failed
    site = outcome.built["praxis"]
    text = " ".join(
        re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        for pattern in ("*.html", "*.xml", "*.ics", "*.json")
        for path in sorted(site.rglob(pattern))
    )
    assert "Projekt „Online-Terminbuchung“" in text  # the charts' titles, the feed's
    for wrong in ("kommt Übersicht", "zu Online-Terminbuchung", "von Online-Terminbuchung",
                  "in Online-Terminbuchung", "Brief"):
        assert wrong not in text, wrong
