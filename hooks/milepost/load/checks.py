"""The checks of client.yml and <project>.yml files, as plain problems with a file and a line.

Two passes per file: the JSON Schema (the same schemas editors use; errors in plain words by
schema_messages.py), then the checks a schema cannot express (unique ids, late milestones that
say nothing about it, dates in the future or in the wrong order, paths on disk, time zones,
commit rules). Every problem of a file is reported, never only the first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import logging
import posixpath
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from milepost.load.dates import parse_date
from milepost.load.problems import Problem, display_path, field_name
from milepost.load.schema_messages import CLIENT_SCHEMA, PROJECT_SCHEMA, describe, schema_messages
from milepost.load.yaml_source import PathKey, YamlDocument, comma_in_text_message
from milepost.shown_url import credential_parameter
from milepost.time_zone import known_zone

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


# --- whole files ------------------------------------------------------------------------------


def client_problems(document: YamlDocument, *, source: str) -> list[Problem]:
    """Every problem of one client.yml (`source`: its path as shown in messages)."""
    report = _Report(source, document)
    if _structure_problems(report, document, CLIENT_SCHEMA, "name, language and timezone"):
        return report.sorted()
    data = document.data
    timezone = data.get("timezone")
    if isinstance(timezone, str) and timezone:
        _check_timezone(report, timezone)
    for c, contact in _items(data, "contacts"):
        for a, absence in _items(contact, "away"):
            start, end = parse_date(absence.get("from")), parse_date(absence.get("to"))
            if start and end and end < start:
                report.add(
                    ("contacts", c, "away", a, "to"),
                    f"the last day away ({end}) is before the first day ({start}); swap or fix them",
                )
    _check_commit_rules(report, data)
    _check_letter_people(report, data)
    _check_country(report, data)
    return report.sorted()


def _check_country(report: _Report, data: dict[str, Any]) -> None:
    """`country:` must be one whose public holidays the holidays library knows (the schema
    already said when it is not two letters)."""
    import holidays  # its list of countries is needed for this check only

    country = data.get("country")
    if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
        return
    if country.upper() not in holidays.list_supported_countries():
        report.add(
            ("country",),
            f"'{country}' is not a country whose public holidays are known; write its ISO 3166-1 code, "
            "e.g. PL, DE, UA or GB",
        )


# A character no name or address in a letter's header may hold: control characters (CR, LF,
# tab, NUL...) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _check_letter_people(report: _Report, data: dict[str, Any]) -> None:
    """What `milepost letters` could not send: a control character in a name or address of
    a contact or recipient (a line break in a header), or a deputy who is not a contact (the
    letters would have no Reply-To while the contact is away)."""
    people: list[tuple[PathKey, dict[str, Any], tuple[str, ...]]] = [
        (("contacts", c), contact, ("name", "role", "email", "phone")) for c, contact in _items(data, "contacts")
    ]
    letters = data.get("letters")
    if isinstance(letters, dict):
        people += [(("letters", "to", r), person, ("name", "email")) for r, person in _items(letters, "to")]
    for where, person, fields in people:
        for name in fields:
            value = person.get(name)
            if name == "email" and isinstance(value, str) and any(ch.isspace() for ch in value):
                continue  # the schema's pattern says it already: not an e-mail address
            if isinstance(value, str) and _CONTROL.search(value):
                report.add(
                    (*where, name),
                    # ascii(): the character itself is invisible in a terminal
                    f"{ascii(value)} holds a line break or another control character, which no e-mail header "
                    "may hold; write it on one line without it",
                )
            elif name == "email" and isinstance(value, str) and not value.isascii():
                report.add((*where, name), _not_ascii_address(value))
    names = [c["name"] for _, c in _items(data, "contacts") if isinstance(c.get("name"), str)]
    for c, contact in _items(data, "contacts"):
        for a, absence in _items(contact, "away"):
            deputy = absence.get("deputy")
            if not isinstance(deputy, str) or not deputy or deputy in names:
                continue
            close = difflib.get_close_matches(deputy, [n for n in names if n != contact.get("name")], n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            report.add(
                ("contacts", c, "away", a, "deputy"),
                f"{deputy!r} is not one of the contacts; {hint}a deputy is named exactly as under `contacts`, "
                "with an e-mail address, so the letters sent while the contact is away name them for replies",
            )


def _not_ascii_address(address: str) -> str:
    """Why an address with a character outside ASCII cannot be sent to (mail servers take
    plain addresses; smtplib refuses the rest), and the address to write instead when only
    the domain is international."""
    local, _, domain = address.rpartition("@")
    hint = "write it with plain letters only (an invisible character may have been pasted with it)"
    if local.isascii() and domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):  # not a name the IDNA codec can write: the plain hint
            hint = f"write the domain in its ASCII form: {local}@{domain.encode('idna').decode('ascii')}"
    return f"{ascii(address)} has characters outside ASCII, which mail servers do not take in an address; {hint}"


_RULE_LABEL = re.compile(r"^commit_rules, rule \d+(?: \('.*?'\))?: ")


def _check_commit_rules(report: _Report, data: dict[str, Any]) -> None:
    """What the schema cannot see in a client's `commit_rules`: regexes, headings, unique names."""
    from milepost.classify.rules import load_rules  # the rules module is not needed otherwise
    from milepost.errors import RulesError

    rules = data.get("commit_rules")
    if not isinstance(rules, list):
        return
    names: dict[str, int] = {}
    for index, rule in enumerate(rules):
        prefix = f"commit_rules[{index}]"
        if any(p.field == prefix or p.field.startswith((prefix + ".", prefix + "[")) for p in report.problems):
            continue  # the schema already said what is wrong with this rule
        name = str(rule.get("name", "")).strip() if isinstance(rule, dict) else ""
        if name in names:
            report.add(
                ("commit_rules", index, "name"),
                f"'{name}' is already the name of rule {names[name] + 1}; give every rule its own name",
            )
        elif name:
            names[name] = index
        try:
            load_rules([rule])
        except RulesError as err:
            field, _, problem = _RULE_LABEL.sub("", str(err)).partition(": ")
            path: tuple[str | int, ...] = ("commit_rules", index)
            if problem:
                path = (*path, *field.split("."))
            report.add(path, problem or field)


def project_problems(document: YamlDocument, *, source: str, folder: Path, today: dt.date) -> list[Problem]:
    """Every problem of one <project>.yml; `folder` is the file's folder (for repository paths)."""
    report = _Report(source, document)
    if _structure_problems(report, document, PROJECT_SCHEMA, "name"):
        return report.sorted()
    data = document.data
    _check_repositories(report, data, folder)
    ids = _check_milestones(report, data, today)
    _check_waiting(report, data, ids, today)
    _check_unique(report, data, "changes", "id", "change request id")
    _check_deliverable_urls(report, data)
    return report.sorted()


def source_problems(document: YamlDocument, source: str) -> list[Problem]:
    """Problems in the YAML text itself: syntax errors, duplicate keys, unsupported tags."""
    return [Problem(source, issue.line, field_name(issue.path), issue.message) for issue in document.issues]


class _Report:
    def __init__(self, source: str, document: YamlDocument) -> None:
        self.source = source
        self.document = document
        self.problems: set[Problem] = set(source_problems(document, source))

    def add(self, path: PathKey, message: str, *, line: int | None = None) -> None:
        where = self.document.line_of(path) if line is None else line
        self.problems.add(Problem(self.source, where, field_name(path), message))

    def sorted(self) -> list[Problem]:
        return sorted(self.problems)


def _structure_problems(report: _Report, document: YamlDocument, schema: str, needed: str) -> bool:
    """Schema problems; True when the file is too broken for the semantic checks."""
    if not document.parsed:
        return True
    if document.data is None:
        report.add((), f"the file is empty; it needs at least {needed}", line=1)
        return True
    if not isinstance(document.data, dict):
        report.add((), f"expected `key: value` lines (like `name: ...`), got {describe(document.data)}")
        return True
    for path, message in schema_messages(document.data, schema):
        broken = document.broken_text(path) if message.startswith("unknown key") else None
        if broken is not None:
            text_path, written = broken
            path, message = text_path, comma_in_text_message(str(text_path[-1]), written)
        report.add(path, message)
    return False


# --- what a schema cannot say -----------------------------------------------------------------


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, entry) for the mapping entries of list `data[key]`; anything else is skipped."""
    values = data.get(key) if isinstance(data, dict) else None
    if isinstance(values, list):
        for index, entry in enumerate(values):
            if isinstance(entry, dict):
                yield index, entry


def _check_timezone(report: _Report, name: str) -> None:
    if known_zone(name) is not None:
        return
    zones = sorted(zoneinfo.available_timezones())
    close = difflib.get_close_matches(name, zones, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "use an IANA name like Europe/Warsaw"
    report.add(("timezone",), f"unknown time zone '{name}'; {hint}")


def _check_deliverable_urls(report: _Report, data: dict[str, Any]) -> None:
    """A link the client is given must not carry a credential: a user name or password, or a
    token in the query. The message never repeats the credential itself."""
    for index, deliverable in _items(data, "deliverables"):
        url = deliverable.get("url")
        if not isinstance(url, str) or not url:
            continue
        try:
            parts = urlsplit(url)
            has_userinfo = parts.username is not None or parts.password is not None
        except ValueError:
            continue  # the schema's own check names a malformed address
        secret = credential_parameter(parts.query)
        if has_userinfo:
            report.add(
                ("deliverables", index, "url"),
                f"the address holds a user name or password ({parts.scheme}://…@{parts.hostname or ''}); "
                "remove them: every client reads this page. Give access another way (the preview's own "
                "login, or a password sent separately)",
            )
        elif secret is not None:
            report.add(
                ("deliverables", index, "url"),
                f"the address carries a credential in its query (`{secret}=…`); link to a page that asks "
                "the client to sign in instead, or send the link privately",
            )


def _check_repositories(report: _Report, data: dict[str, Any], folder: Path) -> None:
    from milepost.errors import RemoteError
    from milepost.history.remotes import parse_remote  # only for `url:` entries

    for index, repository in _items(data, "repositories"):
        _check_include(report, index, repository.get("include"))
        url = repository.get("url")
        if isinstance(url, str) and url and "path" not in repository:
            try:
                parse_remote(url)  # a URL git cannot use, or one holding a password
            except RemoteError as err:
                report.add(("repositories", index, "url"), err.detail)
        path = repository.get("path")
        if not isinstance(path, str) or not path or "url" in repository:
            continue
        resolved = (folder / path).resolve()
        shown = display_path(resolved)
        if not resolved.exists():
            report.add(
                ("repositories", index, "path"),
                f"folder not found: {shown}; fix the path (it is relative to this file's folder), "
                "or, for the demo portal, create the demo repositories: python scripts/make_demo_repos.py",
            )
        elif not resolved.is_dir():
            report.add(
                ("repositories", index, "path"), f"{shown} is a file; `path` must name the repository's folder"
            )


def _check_include(report: _Report, index: int, include: Any) -> None:
    """Each `include:` path must name something inside the repository (git refuses others)."""
    if not isinstance(include, list):
        return
    for position, entry in enumerate(include):
        if not isinstance(entry, str) or not entry.strip():
            continue
        normal = posixpath.normpath(entry.strip().replace("\\", "/"))
        if normal.startswith("/") or normal == ".." or normal.startswith("../") or re.match(r"^[A-Za-z]:", normal):
            report.add(
                ("repositories", index, "include", position),
                f"'{entry}' is outside the repository; `include:` paths count from the repository's "
                "top folder, like src/ or apps/shop/",
            )


def _check_milestones(report: _Report, data: dict[str, Any], today: dt.date) -> set[str]:
    """Milestone checks; returns the ids of the project's milestones."""
    first_line: dict[str, int] = {}
    final_line: int | None = None
    for index, milestone in _items(data, "milestones"):
        here = ("milestones", index)
        ident = milestone.get("id")
        if milestone.get("final") is True:
            if final_line is not None:
                report.add(
                    here + ("final",),
                    f"a second milestone marked `final: true` (the first is on line {final_line}); "
                    "a project has one finish: keep `final: true` on one milestone only",
                )
            else:
                final_line = report.document.line_of(here + ("final",))
        if isinstance(ident, str):
            if ident in first_line:
                report.add(
                    here + ("id",),
                    f"milestone id '{ident}' is used twice (first on line {first_line[ident]}); "
                    "ids must be unique in the project",
                )
            else:
                first_line[ident] = report.document.line_of(here + ("id",))
        due = parse_date(milestone.get("due"))
        done = parse_date(milestone.get("done"))
        start = parse_date(milestone.get("start"))
        if done and done > today:
            report.add(here + ("done",), _future(done, today, "the milestone is finished"))
        if start and due and start > due:
            report.add(here + ("start",), f"work starts ({start}) after the due date ({due})")
        for t, task in _items(milestone, "tasks"):
            task_done = parse_date(task.get("done"))
            if task_done and task_done > today:
                report.add(here + ("tasks", t, "done"), _future(task_done, today, "the task is finished"))
        delay = milestone.get("delay")
        if due is None or done is not None:
            if isinstance(delay, dict) and due:
                _check_delay_date(report, here, delay, due)
            continue
        if delay is None:
            if today > due:
                report.add(
                    here,
                    f"'{ident}' was due {due} and is not done: add `delay: {{reason, plan, due}}` "
                    "saying why, what happens now and the new date (or set `done:` if it is finished)",
                )
            continue
        if not isinstance(delay, dict):
            continue
        new_due = parse_date(delay.get("due"))
        if new_due and today > new_due:
            report.add(
                here + ("delay", "due"),
                f"the new date {new_due} has passed too and '{ident}' is not done: update the delay "
                "(reason, plan and a new due date) or set `done:` if it is finished",
            )
        _check_delay_date(report, here, delay, due)
    return set(first_line)


def _check_delay_date(report: _Report, here: PathKey, delay: dict[str, Any], due: dt.date) -> None:
    new_due = parse_date(delay.get("due"))
    if new_due and new_due <= due:
        report.add(
            here + ("delay", "due"),
            f"the new date ({new_due}) must be later than the milestone's `due` ({due}); "
            "keep `due` as first promised and put the new date here",
        )


def _check_waiting(report: _Report, data: dict[str, Any], ids: set[str], today: dt.date) -> None:
    for index, item in _items(data, "waiting_on_client"):
        here = ("waiting_on_client", index)
        done = parse_date(item.get("done"))
        if done and done > today:
            report.add(here + ("done",), _future(done, today, "the client delivered it"))
        wanted = item.get("milestone")
        if not isinstance(wanted, str) or not wanted or wanted in ids:
            continue
        close = difflib.get_close_matches(wanted, sorted(ids), n=1, cutoff=0.6)
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif ids:
            hint = f"milestone ids here: {', '.join(sorted(ids))}"
        else:
            hint = "this project has no milestones"
        report.add(here + ("milestone",), f"no milestone with id '{wanted}' in this project; {hint}")


def _check_unique(report: _Report, data: dict[str, Any], key: str, field: str, what: str) -> None:
    first_line: dict[str, int] = {}
    for index, entry in _items(data, key):
        value = entry.get(field)
        if not isinstance(value, str):
            continue
        if value in first_line:
            report.add(
                (key, index, field),
                f"{what} '{value}' is used twice (first on line {first_line[value]}); make it unique",
            )
        else:
            first_line[value] = report.document.line_of((key, index, field))


def _future(day: dt.date, today: dt.date, when: str) -> str:
    return f"{day} is in the future (today is {today}); set it on the day {when}"
