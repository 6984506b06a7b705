"""The cycle collector is paused only inside `paused()`, and left as it was found."""

from __future__ import annotations

import gc

import pytest

from milepost.collector import paused


def test_paused_inside_and_enabled_again_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: the inner one leaves it paused for the outer
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
