"""The sentences about promises: a milestone's dates, the history of its promised date, the
forecast and the reason for a state, chosen in the client's words (plain text, no markup).

Used by the project page next to each milestone, by the glance at a project and by the feeds.
The templates put these sentences into markup (and escape them); every word goes through the
client's `Texts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Milestone
from milepost.status.forecast import Forecast, ForecastMethod
from milepost.status.headline import Cause, Headline
from milepost.status.health import Health, HealthRule, HealthState, Signals, days_without_work
from milepost.status.ledger import MilestoneLedger, PromiseEvent, PromiseEventKind


@dataclass(frozen=True)
class LedgerLine:
    kind: str  # "promised", "explained", "moved-later" or "moved-earlier" (a CSS class part)
    sentence: str


@dataclass(frozen=True)
class HealthNote:
    text: str
    labelled: bool = False  # shown after "Why:" (the team's own reason, an override)


def milestone_dates(m: Milestone, texts: Texts) -> list[str]:
    """The dates of a milestone in words: finished, first promised, new date."""
    if m.done:
        lines = [texts.gettext("Finished on {date}.", date=texts.date(m.done))]
        if m.done > m.due:
            lines.append(texts.gettext("First promised for {date}.", date=texts.date(m.due)))
        return lines
    if m.delay:
        return [
            texts.gettext("First promised for {date}.", date=texts.date(m.due)),
            texts.gettext("New date: {date}.", date=texts.date(m.delay.due)),
        ]
    return [texts.gettext("Promised for {date}.", date=texts.date(m.due))]


def ledger_lines(ledger: MilestoneLedger | None, texts: Texts) -> tuple[LedgerLine, ...]:
    """How the milestone's promised date changed, one sentence per event; () without a ledger."""
    if ledger is None:
        return ()
    first = texts.gettext(
        "Promised for {date} on {day}.", date=texts.date(ledger.first_promise), day=texts.date(ledger.promised_on)
    )
    if not ledger.events:
        first = texts.gettext(
            "Promised for {date} on {day}; this date has not moved since.",
            date=texts.date(ledger.first_promise),
            day=texts.date(ledger.promised_on),
        )
    return (LedgerLine("promised", first),) + tuple(
        LedgerLine(_kind(change), change_sentence(change, texts)) for change in ledger.events
    )


def _kind(change: PromiseEvent) -> str:
    if change.kind == PromiseEventKind.EXPLAINED:
        return "explained"
    return "moved-later" if change.later else "moved-earlier"


def change_sentence(change: PromiseEvent, texts: Texts) -> str:
    day = texts.date(change.day)
    if change.kind == PromiseEventKind.EXPLAINED:
        return texts.gettext("Reason given on {day}: {reason}", day=day, reason=change.reason)
    assert change.new is not None
    new = texts.date(change.new)
    if not change.later:
        return texts.gettext("Moved earlier, to {date}, on {day}.", date=new, day=day)
    if change.reason:
        return texts.gettext("Moved to {date} on {day}: {reason}", date=new, day=day, reason=change.reason)
    return texts.gettext("Moved to {date} on {day}, with no reason given at the time.", date=new, day=day)


def forecast_sentence(milestone: Milestone, forecast: Forecast | None, texts: Texts) -> str | None:
    """The forecast next to the promise, only when some of it is later; never as a promise
    (the page adds that it is an estimate). None when there is nothing to say."""
    if milestone.done is not None or forecast is None or not forecast.later_than(milestone.current_due):
        return None
    assert forecast.earliest is not None
    earliest = texts.date(forecast.earliest)
    if forecast.method == ForecastMethod.REFERENCE_CLASS:  # not the project's pace: the agency's record
        if forecast.latest is None:
            return texts.gettext("Judging by our earlier milestones, not before {date}.", date=earliest)
        if forecast.latest == forecast.earliest:
            return texts.gettext("Judging by our earlier milestones, around {date}.", date=earliest)
        return texts.gettext(
            "Judging by our earlier milestones, between {start} and {end}.",
            start=earliest,
            end=texts.date(forecast.latest),
        )
    if forecast.latest is None:
        return texts.gettext("At the current pace, not before {date}.", date=earliest)
    if forecast.latest == forecast.earliest:
        return texts.gettext("At the current pace, around {date}.", date=earliest)
    return texts.gettext(
        "At the current pace, between {start} and {end}.",
        start=earliest,
        end=texts.date(forecast.latest),
    )


def chance_sentence(milestone: Milestone, forecast: Forecast | None, texts: Texts) -> str | None:
    """The chance of keeping the promise now, in tenths a client can picture ("About 1 chance
    in 10 to be ready by 12 December 2026."), beside the promise and never instead of it. None
    for a finished milestone or without a forecast."""
    if milestone.done is not None or forecast is None or not forecast.available or forecast.chance is None:
        return None
    return chance_words(forecast.chance, milestone.current_due, texts)


def chance_words(chance: float, promise: dt.date, texts: Texts) -> str:
    """A chance (0..1) of being ready by `promise`, in tenths (see `chance_sentence`)."""
    date = texts.date(promise)
    tenths = round(chance * 10)
    if tenths < 1:
        return texts.gettext("Less than 1 chance in 10 to be ready by {date}.", date=date)
    if tenths > 9:
        return texts.gettext("More than 9 chances in 10 to be ready by {date}.", date=date)
    return texts.ngettext(
        "About {n} chance in 10 to be ready by {date}.",
        "About {n} chances in 10 to be ready by {date}.",
        tenths,
        date=date,
    )


def forecast_basis(forecast: Forecast | None, texts: Texts) -> str:
    """What the forecast and the chance stand on, and that they are no promise."""
    if forecast is not None and forecast.method == ForecastMethod.REFERENCE_CLASS:
        return texts.ngettext(
            "This project is too new to judge by its own pace, so this estimate comes from the {n} "
            "milestone we promised before: when it was finished against its first promise or, if "
            "still open, how late it already is. It is not a promise.",
            "This project is too new to judge by its own pace, so this estimate comes from the {n} "
            "milestones we promised before: when each was finished against its first promise or, if "
            "still open, how late it already is. It is not a promise.",
            forecast.references,
        )
    return texts.gettext("This is an estimate from the work done lately, not a promise.")


def health_note(
    health: Health, milestone: Milestone | None, signals: Signals | None, today: dt.date, texts: Texts
) -> HealthNote | None:
    """Why the state is what it is, when the page does not already say it (None otherwise)."""
    if health.rule == HealthRule.OVERRIDE:
        return HealthNote(health.reason, labelled=True)
    if health.state != HealthState.AT_RISK or milestone is None:
        return None
    text = rule_sentence(health.rule, milestone, signals, today, texts)
    return HealthNote(text) if text else None


def rule_sentence(
    rule: HealthRule, milestone: Milestone, signals: Signals | None, today: dt.date, texts: Texts
) -> str | None:
    """The measure behind an at-risk (or late) state, in one sentence; None for other rules."""
    if rule == HealthRule.PAST_DUE:
        text = texts.gettext("This is past the promised date and not finished yet.")
    elif rule == HealthRule.WAITING_ON_CLIENT:
        text = texts.gettext("We are waiting for something from you that this needs (see “Waiting on you”).")
    elif rule in (HealthRule.FORECAST_LATER, HealthRule.LOW_CHANCE):
        forecast = signals.forecasts.get(milestone.id) if signals else None
        text = forecast_reason(rule, forecast, texts)
    elif rule == HealthRule.DUE_SOON:
        text = texts.gettext("The date is close and fewer than half of the parts are done.")
    elif rule == HealthRule.BEHIND_SCHEDULE:
        text = texts.gettext("Less of the work is done than the time gone by would suggest.")
    elif rule == HealthRule.NO_RECENT_WORK:
        quiet = days_without_work(milestone, signals.last_work if signals else None, today)
        text = texts.ngettext("No visible work for {n} day.", "No visible work for {n} days.", quiet)
    else:
        return None
    return text


def forecast_reason(rule: HealthRule, forecast: Forecast | None, texts: Texts) -> str:
    """Why the forecast puts the promise at risk, by what it stands on: the project's own pace,
    or (a young project) how the agency's earlier milestones went. Rule `low-chance`: part of
    the range is later, not all of it: "may well be", not "would be"."""
    if forecast is not None and forecast.method == ForecastMethod.REFERENCE_CLASS:
        if rule == HealthRule.LOW_CHANCE:
            return texts.gettext(
                "Judging by how our earlier milestones went against their promises, this may well be "
                "finished after the promised date."
            )
        return texts.gettext(
            "Judging by how our earlier milestones went against their promises, this would be finished "
            "after the promised date."
        )
    if rule == HealthRule.LOW_CHANCE:
        return texts.gettext("At the pace of the work lately, this may well be finished after the promised date.")
    return texts.gettext("At the pace of the work lately, this would be finished after the promised date.")


def forecast_range(forecast: Forecast, texts: Texts) -> str:
    """The forecast's range in the client's words, for the headline ("1–19 January 2027")."""
    assert forecast.earliest is not None
    if forecast.latest is None:
        return texts.gettext("not before {date}", date=texts.date(forecast.earliest))
    if forecast.latest == forecast.earliest:
        return texts.gettext("around {date}", date=texts.date(forecast.earliest))
    return texts.date_range(forecast.earliest, forecast.latest)


def headline_sentence(headline: Headline, texts: Texts) -> str | None:
    """The promise and the later forecast together, never the promise alone when the forecast
    is later: "Online payments: promised for 12 December 2026; at the current pace 1–19 January
    2027." None when the forecast is not later (the glance's "Next:" line then says the date)."""
    m, forecast = headline.milestone, headline.forecast
    if m is None or forecast is None or headline.promise is None:
        return None
    return promise_and_forecast(m.title, headline.promise, forecast_range(forecast, texts), forecast.method, texts)


def promise_and_forecast(
    title: str, promise: dt.date, forecast: str, method: ForecastMethod | None, texts: Texts
) -> str:
    """"Online payments: promised for 12 December 2026; at the current pace 1–19 January 2027.",
    or, a young project's forecast from the agency's record, "judging by our earlier
    milestones" (its pace is not what it stands on)."""
    if method == ForecastMethod.REFERENCE_CLASS:
        return texts.gettext(
            "{milestone}: promised for {date}; judging by our earlier milestones {forecast}.",
            milestone=title,
            date=texts.date(promise),
            forecast=forecast,
        )
    return texts.gettext(
        "{milestone}: promised for {date}; at the current pace {forecast}.",
        milestone=title,
        date=texts.date(promise),
        forecast=forecast,
    )


def headline_note(headline: Headline, signals: Signals | None, today: dt.date, texts: Texts) -> HealthNote | None:
    """Why the project is at risk or late, in one line (None when it is neither)."""
    m = headline.milestone
    if headline.cause == Cause.WRITTEN:
        return HealthNote(" ".join(headline.written.split()), labelled=True)
    if headline.cause == Cause.WAITING and headline.waiting is not None:
        item = headline.waiting
        assert item.needed_by is not None
        return HealthNote(
            texts.gettext(
                "Waiting on you: {item}, needed by {date}.", item=item.title, date=texts.date(item.needed_by)
            )
        )
    if headline.cause == Cause.FORECAST:
        return HealthNote(forecast_reason(headline.health.rule, headline.forecast, texts))
    if not isinstance(headline.cause, HealthRule) or m is None:
        return None
    text = rule_sentence(headline.cause, m, signals, today, texts)
    return HealthNote(text) if text else None
