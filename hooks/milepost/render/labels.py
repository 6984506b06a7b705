"""Short words that name a state or a kind: a milestone's badge, a change request's status and
the headings of the kinds of work. Shared by the pages and the feeds."""

from __future__ import annotations

from milepost.i18n import Texts
from milepost.model import ChangeStatus, WorkKind
from milepost.status.health import HealthState


def state_label(state: HealthState, texts: Texts) -> str:
    labels = {
        HealthState.DONE: texts.gettext("Done"),
        HealthState.LATE: texts.gettext("Late"),
        HealthState.AT_RISK: texts.gettext("At risk"),
        HealthState.ON_TRACK: texts.gettext("On track"),
        HealthState.PLANNED: texts.gettext("Planned"),
    }
    return labels[state]


def kind_heading(kind: WorkKind, texts: Texts) -> str:
    return {
        WorkKind.NOTE: texts.gettext("From the team"),
        WorkKind.NEW: texts.gettext("New"),
        WorkKind.FIXED: texts.gettext("Fixed"),
        WorkKind.FASTER: texts.gettext("Faster"),
    }[kind]


def change_status_label(status: ChangeStatus, texts: Texts) -> str:
    return {
        ChangeStatus.PROPOSED: texts.gettext("Waiting for your decision"),
        ChangeStatus.ACCEPTED: texts.gettext("Accepted"),
        ChangeStatus.REJECTED: texts.gettext("Not going ahead"),
        ChangeStatus.DONE: texts.gettext("Done"),
    }[status]
