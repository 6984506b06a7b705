"""Plain data that every part of Milepost passes around.

Nothing here knows about MkDocs, git or YAML: loaders build these objects, the page writers
read them. Dates are `datetime.date`; optional fields are `None` or empty tuples.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# --- what the agency writes: client.yml -------------------------------------------------------


@dataclass(frozen=True)
class Absence:
    start: dt.date  # `from` in YAML (a Python keyword)
    end: dt.date  # `to` in YAML, inclusive
    deputy: str


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    away: tuple[Absence, ...] = ()

    def absence_on(self, day: dt.date) -> Absence | None:
        """The absence covering `day`, if the contact is away then."""
        for absence in self.away:
            if absence.start <= day <= absence.end:
                return absence
        return None


class CommitNotes(enum.Enum):
    """`commit_notes:` in client.yml: which commits "What changed" lists in words."""

    ALL = "all"  # notes written for the client, and the cleaned subjects of new work and fixes
    # Only sentences written for this client: a `Client-<language>:` trailer in its language,
    # or a `Client:` trailer written in its language. Everything else is counted.
    WRITTEN_FOR_CLIENT = "written_for_client"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


@dataclass(frozen=True)
class LetterSchedule:
    """`letters:` in client.yml: who gets the letters, and the day of the weekly one."""

    weekly: str = "off"  # one of WEEKDAYS, or "off"
    to: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class WorkingHours:
    """The agency's working hours (`extra.milepost.answers.working_hours`), in each client's
    time zone: the response time is measured in them."""

    days: frozenset[int] = frozenset(range(5))  # weekday numbers, Monday = 0
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)


@dataclass(frozen=True)
class Client:
    slug: str  # folder name under projects/
    name: str
    language: str = "en"
    timezone: str = "UTC"
    contacts: tuple[Contact, ...] = ()
    response_time: str = ""
    response_hours: float | None = None  # the promise as a number of hours (`response_time: {hours: 1}`)
    response_business: bool = False  # True: those hours are the agency's working hours
    country: str = ""  # ISO 3166-1 alpha-2 code: whose public holidays are not working days
    source: str = ""  # path of client.yml, for messages
    allowed_hosts: tuple[str, ...] = ()  # hosts whose URLs may appear on the client's site
    # The team's ticket prefixes for this client (SHOP for SHOP-41); () = ids found by position.
    ticket_prefixes: tuple[str, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)  # shared by the client's projects
    path: str = ""  # folder of the published site under site/; "" = derived (load/client_folders.py)
    password_env: str = ""  # environment variable holding the site's password; "" = no password
    # Extra commit rules (same shape as classify/default_rules.yml), checked before the defaults.
    commit_rules: tuple[dict[str, Any], ...] = ()
    letters: LetterSchedule = LetterSchedule()  # no `to:`: the client gets no letters
    approvers: tuple[Recipient, ...] = ()  # besides `letters.to`: whose e-mailed answers count
    commit_notes: CommitNotes = CommitNotes.ALL


# --- what the agency writes: <project>.yml ----------------------------------------------------


@dataclass(frozen=True)
class RepositorySpec:
    path: str = ""  # absolute local path (resolved against the YAML file)
    url: str = ""
    branch: str = ""  # "" = the repository's HEAD
    include: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    title: str
    done: dt.date | None = None


@dataclass(frozen=True)
class Delay:
    reason: str
    plan: str
    due: dt.date  # the new promise


@dataclass(frozen=True)
class HealthOverride:
    """The team's own call on a state (`health_override:`), always with a written reason the
    client reads. It cannot say late or done: those follow from the dates (see health.py)."""

    state: str  # planned | on_track | at_risk
    reason: str


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    due: dt.date  # the original promise
    done: dt.date | None = None
    start: dt.date | None = None
    description: str = ""
    tasks: tuple[Task, ...] = ()
    delay: Delay | None = None
    health_override: HealthOverride | None = None
    final: bool = False  # `final: true`: the project's finish (else its last milestone by date)

    @property
    def current_due(self) -> dt.date:
        """The date promised now: the delay's new date when there is one."""
        return self.delay.due if self.delay else self.due

    @functools.cached_property
    def tasks_done(self) -> int:
        # Kept once counted (the replays ask thousands of times); the dataclass is frozen.
        return sum(1 for task in self.tasks if task.done)

    @property
    def progress(self) -> float:
        """Share of tasks done, 0..1. A milestone marked done is complete whatever its tasks say."""
        if self.done:
            return 1.0
        if not self.tasks:
            return 0.0
        return self.tasks_done / len(self.tasks)


@dataclass(frozen=True)
class WaitingItem:
    title: str
    asked: dt.date
    needed_by: dt.date | None = None
    milestone: str = ""  # id of the milestone it holds up
    done: dt.date | None = None  # when the client delivered it


@dataclass(frozen=True)
class Decision:
    date: dt.date
    title: str
    agreed: tuple[str, ...] = ()
    summary: str = ""
    correction: bool = False  # an edit after the summary was sent is sent as a correction


class ChangeStatus(StrEnum):
    """Where a change request stands (its `status:` in the project file)."""

    PROPOSED = "proposed"  # waiting for the client's answer
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DONE = "done"


@dataclass(frozen=True)
class ChangeRequest:
    id: str
    title: str
    status: ChangeStatus
    hours: float | None = None
    impact: str = ""
    date: dt.date | None = None
    decide_by: dt.date | None = None  # the day the client's answer is needed by


@dataclass(frozen=True)
class Deliverable:
    date: dt.date
    title: str
    url: str = ""
    description: str = ""
    sign_off: bool = False  # the client is asked to approve it (answer links: Approve / Ask for changes)


@dataclass(frozen=True)
class Budget:
    hours: float
    used: float
    as_of: dt.date


@dataclass(frozen=True)
class Project:
    slug: str  # file stem
    client: str  # client slug
    name: str
    summary: str = ""
    repositories: tuple[RepositorySpec, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    waiting_on_client: tuple[WaitingItem, ...] = ()
    decisions: tuple[Decision, ...] = ()
    changes: tuple[ChangeRequest, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()
    budget: Budget | None = None
    next_update: dt.date | None = None
    glossary: dict[str, str] = field(default_factory=dict)
    source: str = ""  # path of the YAML file, for messages
    health_override: HealthOverride | None = None


@dataclass(frozen=True)
class Portal:
    """Everything under projects/: the clients and their projects, in a stable order."""

    clients: tuple[Client, ...]
    projects: tuple[Project, ...]

    def client(self, slug: str) -> Client:
        for client in self.clients:
            if client.slug == slug:
                return client
        raise KeyError(slug)

    def projects_of(self, client_slug: str) -> tuple[Project, ...]:
        return tuple(p for p in self.projects if p.client == client_slug)


# --- what git gives -----------------------------------------------------------------------------


# Not frozen, unlike the rest: a frozen dataclass's __init__ costs five times as much, paid for
# every commit of every history read. Nothing changes a Commit once it is made (but for the
# trailers it keeps once read); it hashes by its fields as a frozen one would.
@dataclass(slots=True, unsafe_hash=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    authored: dt.datetime  # timezone-aware
    committed: dt.datetime  # timezone-aware
    parents: tuple[str, ...]
    subject: str
    body: str  # the message after the subject line, trailers included
    # (key, value) in order, keys as written. None: not read yet; history/trailer_block.py's
    # `commit_trailers()` reads them from the body on first use and keeps them here. A history
    # read from git leaves them unread: most commits of a long history are never asked (what they became is cached), and
    # reading them was a third of the time of reading the history.
    trailers: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)
    # The blanks git printed after the body, which `body` leaves out ("\n", mostly): the
    # trailers are read from the message exactly as git printed it, since a trailing blank
    # can decide whether a line is a trailer (git's rules, trailer_block.py).
    body_end: str = field(default="", compare=False, repr=False)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


# --- what the client may see of a commit ------------------------------------------------------


class WorkKind(StrEnum):
    """What a commit became for the client: listed under a heading, only counted, or hidden
    (the values are the rules' `heading:`, status.json's `kind` and the pages' CSS classes)."""

    NEW = "new"
    FIXED = "fixed"
    FASTER = "faster"
    NOTE = "note"  # the team's `Client:` sentence
    COUNTED = "counted"  # only counted ("12 smaller technical improvements")
    HIDDEN = "hidden"  # never shown


@dataclass(frozen=True)
class WorkNote:
    """One commit after the plain-language rules ran.

    kind: NEW, FIXED, FASTER and NOTE are listed; COUNTED is only counted; HIDDEN never shown.
    `text` is already redacted; it is still plain text and must be escaped when rendered.
    """

    kind: WorkKind
    text: str
    date: dt.date
    milestone: str = ""  # milestone id, "" when not tied
    sha: str = ""
    rule: str = ""  # name of the rule that decided (kept in the shown-work cache): why a commit shows as it does


# --- a letter that was sent ---------------------------------------------------------------------


class LetterKind(StrEnum):
    """The letters Milepost writes (status/letters_due.py says which are due)."""

    WEEKLY = "weekly"
    MEETING = "meeting"
    CHANGE = "change"


@dataclass(frozen=True)
class SentLetter:
    """One letter of the sent record (publish/letters.py), as the client's site lists it.

    `text` is the plain-text part exactly as it was sent, "" for a letter recorded before the
    record kept the text (it is listed, without a page of its own). Plain text: it must be
    escaped when rendered.
    """

    client: str
    kind: LetterKind
    day: dt.date  # the letter's day, in the client's time zone
    subject: str
    message_id: str
    text: str = ""

    @property
    def name(self) -> str:
        """`<day>-<kind>-<digest>`, as its `.eml` file is named: its page's folder."""
        digest = self.message_id.strip("<>").split("@")[0].rpartition(".")[2][:10]
        return f"{self.day.isoformat()}-{self.kind}-{digest}"
