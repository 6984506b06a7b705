"""The promise ledger, the forecast and the reason for a state, in the client's words (HTML).

Used by the project page next to each milestone and by the glance at a project. Every text
from YAML is escaped; every word goes through the client's `Texts`.
"""

from __future__ import annotations

import datetime as dt

from milepost.status.forecast import Forecast
from milepost.status.health import AT_RISK, Health, Signals, days_without_work
from milepost.render.html import esc
from milepost.render.i18n import Texts
from milepost.model import Milestone
from milepost.status.ledger import EXPLAINED, MilestoneLedger, PromiseChange


def ledger_html(ledger: MilestoneLedger | None, texts: Texts) -> str:
    """How the milestone's promised date changed, one sentence per event; "" without a ledger."""
    if ledger is None:
        return ""
    first = texts.gettext(
        "Promised for {date} on {day}.", date=texts.date(ledger.first_promise), day=texts.date(ledger.promised_on)
    )
    if not ledger.changes:
        first = texts.gettext(
            "Promised for {date} on {day}; this date has not moved since.",
            date=texts.date(ledger.first_promise),
            day=texts.date(ledger.promised_on),
        )
    items = [f'<li class="mp-ledger-promised">{esc(first)}</li>']
    items.extend(
        f'<li class="mp-ledger-{_kind(change)}">{esc(change_sentence(change, texts))}</li>'
        for change in ledger.changes
    )
    return (
        '<div class="mp-ledger">'
        f'<p class="mp-ledger-heading">{esc(texts.gettext("History of the promised date:"))}</p>'
        f'<ul class="mp-ledger-list">{"".join(items)}</ul></div>'
    )


def _kind(change: PromiseChange) -> str:
    if change.kind == EXPLAINED:
        return "explained"
    return "moved-later" if change.later else "moved-earlier"


def change_sentence(change: PromiseChange, texts: Texts) -> str:
    day = texts.date(change.day)
    if change.kind == EXPLAINED:
        return texts.gettext("Reason given on {day}: {reason}", day=day, reason=change.reason)
    assert change.new is not None
    new = texts.date(change.new)
    if not change.later:
        return texts.gettext("Moved earlier, to {date}, on {day}.", date=new, day=day)
    if change.reason:
        return texts.gettext("Moved to {date} on {day}: {reason}", date=new, day=day, reason=change.reason)
    return texts.gettext("Moved to {date} on {day}, with no reason given at the time.", date=new, day=day)


def forecast_html(milestone: Milestone, forecast: Forecast | None, texts: Texts) -> str:
    """The forecast next to the promise, only when some of it is later; never as a promise."""
    if milestone.done is not None or forecast is None or not forecast.later_than(milestone.current_due):
        return ""
    assert forecast.earliest is not None
    if forecast.latest is None:
        sentence = texts.gettext("At the current pace, not before {date}.", date=texts.date(forecast.earliest))
    elif forecast.latest == forecast.earliest:
        sentence = texts.gettext("At the current pace, around {date}.", date=texts.date(forecast.earliest))
    else:
        sentence = texts.gettext(
            "At the current pace, between {start} and {end}.",
            start=texts.date(forecast.earliest),
            end=texts.date(forecast.latest),
        )
    note = texts.gettext("This is an estimate from the work done lately, not a promise.")
    return f'<p class="mp-forecast">{esc(sentence)} <span class="mp-facts">{esc(note)}</span></p>'


def health_note_html(
    health: Health, milestone: Milestone | None, signals: Signals | None, today: dt.date, texts: Texts
) -> str:
    """Why the state is what it is, when the page does not already say it ("" otherwise)."""
    if health.rule == "override":
        return (
            f'<p class="mp-why"><strong>{esc(texts.gettext("Why:"))}</strong> {esc(health.reason)}</p>'
        )
    if health.state != AT_RISK or milestone is None:
        return ""
    if health.rule == "waiting-on-client":
        text = texts.gettext("We are waiting for something from you that this needs (see “Waiting on you”).")
    elif health.rule == "forecast-later":
        text = texts.gettext("At the pace of the work lately, this would be finished after the promised date.")
    elif health.rule == "due-soon":
        text = texts.gettext("The date is close and fewer than half of the parts are done.")
    elif health.rule == "behind-schedule":
        text = texts.gettext("Less of the work is done than the time gone by would suggest.")
    elif health.rule == "no-recent-work":
        quiet = days_without_work(milestone, signals.last_work if signals else None, today)
        text = texts.ngettext("No visible work for {n} day.", "No visible work for {n} days.", quiet)
    else:
        return ""
    return f'<p class="mp-why">{esc(text)}</p>'
