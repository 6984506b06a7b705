"""The promise ledger's on-disk cache: the project files' versions, and what each said.

- `<cache_dir>/ledger/<key>.json`: the committed versions of every project file for one HEAD
  of the portal's repository (small: commit, date, path and blob of each version);
- `<cache_dir>/ledger/snapshots.json`: what each blob says about its milestones, shared by
  every HEAD (blobs are content-addressed, so an entry is never stale).

Both are `disk_cache` entries with JSON payloads; a damaged one is read as a miss.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milepost.history.disk_cache import CacheFormat, load_entry, write_entry
from milepost.load.milestone_snapshot import BudgetSnapshot, MilestoneSnapshot, Snapshot

# Bump when the payloads' layout or the snapshot's fields or their parsing change.
FORMAT_VERSION = 3
VERSIONS = CacheFormat("ledger-versions", FORMAT_VERSION, "ledger cache")
SNAPSHOTS = CacheFormat("ledger-snapshots", FORMAT_VERSION, "ledger cache")


@dataclass(frozen=True)
class Entry:
    """One committed version of a file, before its content is looked at."""

    commit: str
    committed: dt.datetime  # when it landed on the main line
    path: str  # the file's path in the repository at that commit
    blob: str


Chains = dict[str, list[Entry]]  # file's path at HEAD -> its versions, oldest first


def store(cache_dir: Path) -> Path:
    return Path(cache_dir) / "ledger"


def load_chains(folder: Path, key: str) -> Chains | None:
    return load_entry(folder / f"{key}.json", VERSIONS, _chains_from_json)


def store_chains(folder: Path, key: str, chains: Chains) -> None:
    data = {
        path: [[e.commit, e.committed.isoformat(), e.path, e.blob] for e in entries]
        for path, entries in chains.items()
    }
    write_entry(folder / f"{key}.json", VERSIONS, _json(data))


def load_snapshots(folder: Path) -> dict[str, Snapshot]:
    return load_entry(folder / "snapshots.json", SNAPSHOTS, _snapshots_from_json) or {}


def store_snapshots(folder: Path, snapshots: Mapping[str, Snapshot]) -> None:
    data = {
        blob: {
            "readable": readable,
            "milestones": [_snapshot_to_json(m) for m in milestones],
            "budget": _budget_to_json(budget),
        }
        for blob, (milestones, readable, budget) in snapshots.items()
    }
    write_entry(folder / "snapshots.json", SNAPSHOTS, _json(data))


# --- JSON ------------------------------------------------------------------------------------


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _chains_from_json(payload: bytes) -> Chains:
    data = json.loads(payload)
    return {
        str(path): [
            Entry(str(commit), _aware(committed), str(where), str(blob)) for commit, committed, where, blob in entries
        ]
        for path, entries in data.items()
    }


def _aware(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a date without a time zone")
    return value


def _snapshots_from_json(payload: bytes) -> dict[str, Snapshot]:
    data = json.loads(payload)
    return {
        str(blob): (
            tuple(_snapshot_from_json(p) for p in item["milestones"]),
            bool(item["readable"]),
            _budget_from_json(item["budget"]),
        )
        for blob, item in data.items()
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _snapshot_to_json(snapshot: MilestoneSnapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "title": snapshot.title,
        "due": _iso(snapshot.due),
        "delay_due": _iso(snapshot.delay_due),
        "delay_reason": snapshot.delay_reason,
        "done": _iso(snapshot.done),
        "tasks": snapshot.tasks,
    }


def _snapshot_from_json(item: dict[str, Any]) -> MilestoneSnapshot:
    def day(key: str) -> dt.date | None:
        value = item[key]
        return dt.date.fromisoformat(value) if value else None

    if not isinstance(item["id"], str) or not isinstance(item["tasks"], int):
        raise TypeError("not a milestone snapshot")
    return MilestoneSnapshot(
        id=item["id"],
        title=str(item["title"]),
        due=day("due"),
        delay_due=day("delay_due"),
        delay_reason=str(item["delay_reason"]),
        done=day("done"),
        tasks=item["tasks"],
    )


def _budget_to_json(budget: BudgetSnapshot | None) -> dict[str, Any] | None:
    if budget is None:
        return None
    return {"hours": budget.hours, "used": budget.used, "as_of": _iso(budget.as_of)}


def _budget_from_json(item: dict[str, Any] | None) -> BudgetSnapshot | None:
    if item is None:
        return None
    as_of = item["as_of"]
    return BudgetSnapshot(float(item["hours"]), float(item["used"]), dt.date.fromisoformat(as_of) if as_of else None)
