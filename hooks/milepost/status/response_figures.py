"""The agency's response time as the client's site states it: how many of the client's
messages were answered within the promise, the slowest answer, and how many still wait past
it. The same figures for every client, good or bad (measured by `milepost inbox`,
answers/responses.py; worded by render/contacts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ResponseFigures:
    promised: float  # the promised hours
    business: bool  # True: working hours; False: hours on the clock
    answered: int  # messages answered
    within: int  # of those, answered within the promise
    slowest: float  # the hours the slowest answer took
    waiting: int  # messages still without an answer past the promise


def response_figures(took: Sequence[float | None], promised: float, business: bool) -> ResponseFigures | None:
    """The figures from each message's time to answer (None: still waiting past the promise);
    None when there is no message to speak of."""
    if not took:
        return None
    answered = [hours for hours in took if hours is not None]
    return ResponseFigures(
        promised=promised,
        business=business,
        answered=len(answered),
        within=sum(1 for hours in answered if hours <= promised),
        slowest=max(answered, default=0.0),
        waiting=len(took) - len(answered),
    )
