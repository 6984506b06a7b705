"""A portal whose every client-facing text holds what has broken pages before (for the build
and browser tests of "every text is shown as text"): an emoji (beyond the BMP), HTML
(`<img onerror>`, `</script>`), Markdown (a `javascript:` link, a heading, emphasis), YAML front
matter (`---`, `: `) and template syntax (`{{ 7*7 }}`, `{% raw %}`), in the client's name and
contacts, the agency's name, each project's name, summary, milestones, tasks, delay, waiting
items, decisions, changes, deliverables and glossary, and the sent letters' subjects and texts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from helpers import DEMO_TODAY, SmtpCapture, demo_portal_copy
from milepost.answers.record import AnswerEntry, append_entries
from milepost.load.project_folders import ANSWER_RECORD
from milepost.mkdocs.build import build_clients
from milepost.publish.letters import RECORD_FORMAT

CLIENT = "acme-retail"
# One line of everything at once; `field` tells the fields apart on the pages.
NASTY = (  # within the 200 characters a name may have, with its field's name before it
    "🚀 <img src=x onerror=alert(1)></script><script>alert(2)</script>[x](javascript:alert(1)) "
    "<javascript:alert(3)> # h *em* `c` --- a: b {{ 7*7 }} {% raw %} &amp; 𝒳 {:onclick=alert(4)}"
)
# What a multi-line text (a summary, a letter) adds: lines that mean something at a line's start.
NASTY_LINES = "--- \n# h\n* item\n---\ntitle: {{ 7*7 }}\n[x]: javascript:alert(1)"


def nasty(field: str) -> str:
    return f"{field}: {NASTY}"


def nasty_project(project: dict[str, Any], slug: str) -> None:
    project["name"] = nasty(f"{slug[0]} name")
    project["summary"] = nasty(f"{slug[0]} summary") + "\n\n" + NASTY_LINES
    for m, milestone in enumerate(project.get("milestones", [])):
        milestone["title"] = nasty(f"{slug[0]} m{m}")
        for t, task in enumerate(milestone.get("tasks", [])):
            task["title"] = nasty(f"{slug[0]} t{m}.{t}")
        if "delay" in milestone:
            milestone["delay"]["reason"] = nasty(f"{slug[0]} delay reason")
            milestone["delay"]["plan"] = nasty(f"{slug[0]} delay plan")
    for w, item in enumerate(project.get("waiting_on_client", [])):
        item["title"] = nasty(f"{slug[0]} wait{w}")
    for d, decision in enumerate(project.get("decisions", [])):
        decision["title"] = nasty(f"{slug[0]} dec{d}")
        if "summary" in decision:
            decision["summary"] = nasty(f"{slug[0]} dec summary {d}")
        decision["agreed"] = [nasty(f"{slug[0]} agreed {d}.{a}") for a in range(len(decision.get("agreed", [])))]
    for c, change in enumerate(project.get("changes", [])):
        change["title"] = nasty(f"{slug[0]} cr{c}")
        change["impact"] = nasty(f"{slug[0]} impact {c}")
    for d, deliverable in enumerate(project.get("deliverables", [])):
        deliverable["title"] = nasty(f"{slug[0]} del{d}")
        if "description" in deliverable:
            deliverable["description"] = nasty(f"{slug[0]} del description {d}")
    if "glossary" in project:
        project["glossary"] = {
            **{term: nasty(f"{slug[0]} glossary {term}") for term in project["glossary"]},
            "<b>Term</b> 🚀": nasty(f"{slug[0]} glossary markup term"),
        }


def build_nasty_site(root: Path) -> tuple[Path, list[str]]:
    """The demo portal copied into `root`, its first client given a nasty text in every field
    and its letters sent to a real SMTP server, then built; (the client's site, the fields)."""
    config = demo_portal_copy(root)
    settings = config.read_text(encoding="utf-8")
    config.write_text(
        settings.replace("agency: Example Agency", f"agency: {json.dumps(nasty('agency'), ensure_ascii=False)}")
    )
    folder = root / "projects" / CLIENT
    client = yaml.safe_load((folder / "client.yml").read_text(encoding="utf-8"))
    client["name"] = nasty("client")
    client["response_time"] = nasty("response time")
    renamed = {}
    for n, contact in enumerate(client["contacts"]):
        renamed[contact["name"]] = contact["name"] = nasty(f"contact {n}")
        contact["role"] = nasty(f"role {n}")
    for contact in client["contacts"]:  # a deputy is named as the contact it is (check refuses others)
        for away in contact.get("away", ()):
            away["deputy"] = renamed.get(away["deputy"], away["deputy"])
    (folder / "client.yml").write_text(yaml.safe_dump(client, allow_unicode=True), encoding="utf-8")
    for path in sorted(folder.glob("*.yml")):
        if path.name not in ("client.yml", ANSWER_RECORD):
            project = yaml.safe_load(path.read_text(encoding="utf-8"))
            nasty_project(project, path.stem)
            path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    # A question and a reply on the answers' record, from a sender with a nasty name.
    append_entries(folder / ANSWER_RECORD, [
        AnswerEntry(
            received=f"{DEMO_TODAY.isoformat()}T08:00:00+01:00", name=nasty("answer name"), address="m@x.example",
            project="webshop", kind=kind, item=item, action=action, version="0" * 16, reference="MP-" + "A" * 16,
            message_id=f"<nasty-{kind}@x.example>", sha256="0" * 64, words=nasty(f"answer words {kind}"),
            applied=True, reason="",
        )
        for kind, item, action in (("project", "webshop", "ask"), ("change_request", "CR-3", "accept"))
    ])
    # The letters as `milepost letters --send` writes them (the agency's name signs them), to
    # a real SMTP server; then two more of every kind of text into the same record.
    with SmtpCapture() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_") or k == "MILEPOST_ANSWER_SECRET"}
        command = [sys.executable, "-m", "milepost.cli", "letters", "-f", str(config), "--today",
                   DEMO_TODAY.isoformat(), "--client", CLIENT, "--send"]
        sent = subprocess.run(command, env={**env, "MILEPOST_SMTP_URL": server.url}, cwd=root,
                              capture_output=True, text=True, timeout=300)
    assert sent.returncode == 0 and server.messages, sent.stderr
    record = root / "letters" / "sent.json"
    written = json.loads(record.read_text(encoding="utf-8"))["letters"]
    letters = written + [
        {
            "message_id": f"<letter-{n}@agency.example>",
            "client": CLIENT,
            "kind": kind,
            "day": DEMO_TODAY.isoformat(),
            "key": f"{kind}-{n}",
            "carries": [],
            "subject": nasty(f"letter subject {n}"),
            "sent": f"{DEMO_TODAY.isoformat()}T09:00:00+01:00",
            "text": f"{nasty(f'letter text {n}')}\n{'=' * 20}\n\n{NASTY_LINES}\n\n{nasty(f'letter end {n}')}",
        }
        for n, kind in enumerate(("weekly", "meeting"))
    ]
    assert any(nasty("agency") in letter["text"] for letter in written)
    record.write_text(json.dumps({"format": RECORD_FORMAT, "letters": letters}, ensure_ascii=False), encoding="utf-8")
    site = root / "site"
    outcome = build_clients(config, clients=[CLIENT], site_dir=site, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    fields = [
        "agency", "client", "response time", *(f"contact {n}" for n in range(len(client["contacts"]))),
        *(f"role {n}" for n in range(len(client["contacts"]))),
        *(f"letter {part} {n}" for part in ("subject", "text", "end") for n in range(2)),
        "answer name", "answer words project", "answer words change_request",
    ]
    for path in sorted(folder.glob("*.yml")):
        if path.name not in ("client.yml", ANSWER_RECORD):
            fields += [line.split(": " + NASTY)[0] for line in _texts(yaml.safe_load(path.read_text("utf-8")))]
    return site / CLIENT, fields


def _texts(data: object) -> list[str]:
    """Every nasty text in a project's data."""
    if isinstance(data, dict):
        return [text for value in data.values() for text in _texts(value)]
    if isinstance(data, list):
        return [text for value in data for text in _texts(value)]
    return [line for line in str(data).split("\n") if line.endswith(NASTY)]
