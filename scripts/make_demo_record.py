#!/usr/bin/env python3
"""Write the demo portal's record of sent letters, `letters/sent.json`: the letters that were
due a week before the demo's day, as if the letters job had sent them then.

    python scripts/make_demo_record.py

The demo's sites then show an archive of letters (the "Letters" page of each client that gets
letters), and the letters of the demo's day (`make demo` writes them into letters/<client>/)
follow those. Nothing is sent: each letter is put on record exactly as
`milepost letters --send` records it, dated at 08:00 of that day in the client's time zone.
The demo's files are read as they are (checked as of the demo's day); the letters take from
them only what is dated on or before the day of the letters. Run it after a deliberate change
of the demo's projects or of the letters' wording, then regenerate the golden pages. Needs
the demo's repositories (`make demo` makes them).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from milepost.mkdocs.config_file import read_mkdocs_config  # noqa: E402
from milepost.mkdocs.extra_config import settings_from_extra  # noqa: E402
from milepost.portal import load_configured  # noqa: E402
from milepost.publish.letters import SENT_RECORD, SentRecord, portal_letters, record_lock, record_sent  # noqa: E402

DEMO_TODAY = dt.date(2026, 11, 24)  # the Makefile's DEMO_TODAY
LETTERS_DAY = DEMO_TODAY - dt.timedelta(days=7)


def main() -> int:
    config_file = ROOT / "mkdocs.yml"
    config = read_mkdocs_config(config_file)
    settings = settings_from_extra(str(config_file), config.extra)
    loaded = load_configured(settings, today=DEMO_TODAY, full_history=True)
    if loaded.problems or loaded.portal is None:
        sys.exit("\n".join(str(p) for p in loaded.problems) + "\nthe demo has problems; run `make check`")
    path = ROOT / SENT_RECORD
    with record_lock(path):
        record = SentRecord(path)  # made anew: nothing was sent before that day
        letters = portal_letters(
            settings, config.site_url or "", loaded.portal, loaded.portal.clients, record, LETTERS_DAY,
            file_versions=loaded.file_versions, history=loaded.git_history,
        )
        path.unlink(missing_ok=True)
        for letter in letters:
            sent_at = dt.datetime.strptime(str(letter.message["Date"]), "%a, %d %b %Y %H:%M:%S %z")
            record = record_sent(record, letter, sent_at)
            print(f"recorded {letter.due.client}: {letter.message['Subject']}")
    print(f"{len(letters)} letter(s) on record in {SENT_RECORD}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
