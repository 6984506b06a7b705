"""Short words that name a state or a kind: a milestone's badge, a change request's status and
the headings of the kinds of work. Shared by the pages and the feeds."""

from __future__ import annotations

from milepost.i18n import Texts
from milepost.status.health import HealthState


def state_label(state: str, texts: Texts) -> str:
    labels = {
        HealthState.DONE: texts.gettext("Done"),
        HealthState.LATE: texts.gettext("Late"),
        HealthState.AT_RISK: texts.gettext("At risk"),
        HealthState.ON_TRACK: texts.gettext("On track"),
        HealthState.PLANNED: texts.gettext("Planned"),
    }
    return labels[state]


def kind_heading(kind: str, texts: Texts) -> str:
    return {
        "note": texts.gettext("From the team"),
        "new": texts.gettext("New"),
        "fixed": texts.gettext("Fixed"),
        "faster": texts.gettext("Faster"),
    }[kind]


def change_status_label(status: str, texts: Texts) -> str:
    return {
        "proposed": texts.gettext("Waiting for your decision"),
        "accepted": texts.gettext("Accepted"),
        "rejected": texts.gettext("Not going ahead"),
        "done": texts.gettext("Done"),
    }.get(status, status)
