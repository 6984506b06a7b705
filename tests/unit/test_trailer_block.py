"""Trailers read from the body in Python (`trailers_of`) are the ones git itself lists with
`%(trailers:only,unfold)`: both are asked about the same commits of a real repository, messages
made to probe every rule of git's trailer block and the benchmark's realistic ones."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from factories import git_env
from helpers import load_script
from milepost.history.commits import read_history
from milepost.history.state import GitHistory
from milepost.history.trailer_block import commit_trailers, trailers_of
from milepost.model import RepositorySpec

C_SPACE = " \t\n\v\f\r"
TRICKY = [
    "feat: x",
    "feat: x\n\nClient: shown",
    "feat: x\nClient: still the title\n",
    "feat: x\n\nSome prose.\n\nClient: You can now pay by card\n  at checkout.\nMilestone: payments\nInternal: yes\n",
    "feat: x\n\nRefs: not a trailer, this paragraph has prose in it\nand goes on here.\n",
    "feat: x\n\nprose line\nSigned-off-by: Ada <ada@example.org>\nmore prose\nanother\n",
    "feat: x\n\nprose line\nSigned-off-by: Ada <ada@example.org>\n",
    "feat: x\n\nprose one\nprose two\nprose three\nprose four\nSigned-off-by: Ada <ada@example.org>\n",
    "feat: x\n\nClient: a\n# a comment\nMilestone: b\n",
    "feat: x\n\nClient: a\n\n# trailing comment\n\n",
    "feat: x\n\nClient: a\n\nConflicts:\n\tsrc/a.py\n",
    "feat: x\n\nClient: a\n# ------------------------ >8 ------------------------\nMilestone: b\n",
    "feat: x\n\nKey : spaced colon\nOther-Key:no space\n",
    "feat: x\n\n Client: starts with a blank\n",
    "feat: x\n\nClient:\n  folded only\n",
    "feat: x\n\nClient: one\n\tfolded with a tab\n   and more\nMilestone: m\n",
    "feat: x\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\nprose\n",
    "feat: x\n\nhttps://example.org: not a token\n",
    "feat: x\n\nZażółć: not ascii\nClient: ok\n",
    "feat: x\n\nClient: ok\nZażółć: not ascii\n",
    "feat: x\n\n\n\nClient: after blank lines\n\n\n",
    "feat: x\n\nClient: a\r\nMilestone: b\r\n",
    "feat: x\n\nbody\n\nClient: a\n   \nMilestone: b\n",
    "feat: x\n\n:no token\nClient: a\n",
    "feat: x\n\nClient: a\nnot a trailer\n",
    "title one\ntitle two\n\nClient: after a two-line title\n",
    "feat: x\n\nClient: v1\nClient: v2\n",
    # The end of a body, which the history keeps stripped: what lazy trailers read.
    "subj\n\n# comment\n\nClient-pl:x\nMilestone=\n m2\nSigned-off-by:  \n",
    "feat: x\n\nClient: a\n\nConflicts:\n",
    "text\n\nReview-by: Customers\nClient=yes\nClie nt:m1\nSigned-off-by: \n",
    "feat: x\n\nClient: ends with a no-break space\u00a0\n",
    "feat: x\n\nClient: trailing blanks   \n   \n\t\n",
    "feat: x\n\nClient: a\n# ------------------------ >8 ------------------------\n",
    "feat: x\n\nClient: a\n\n# ------------------------ >8 ------------------------\n",
    "feat: x\n\nprose\n\nClient: a\n#\n",
]


def make_repository(path: Path, messages: list[str]) -> None:
    stream = bytearray()
    for number, message in enumerate(messages, start=1):
        data = message.encode("utf-8")
        stream += b"commit refs/heads/main\n"
        stream += f"committer Ada <ada@example.org> {1700000000 + number} +0000\n".encode()
        stream += f"data {len(data)}\n".encode() + data + b"\n"
    stream += b"done\n"
    env = git_env()
    subprocess.run(["git", "init", "-q", "--initial-branch=main", str(path)], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet", "--done"], input=bytes(stream), check=True, env=env
    )


def compare(path: Path) -> int:
    fmt = "%b%x00%(trailers:only,unfold,separator=%x1f,key_value_separator=%x1d)%x00"
    out = subprocess.run(
        ["git", "-C", str(path), "log", "-z", "--encoding=UTF-8", f"--format={fmt}", "main"],
        capture_output=True, check=True, env=git_env(),
    ).stdout.decode("utf-8", errors="replace")
    fields = out.split("\0")
    # The history as a build reads it: bodies stripped, trailers read on first use.
    commits = read_history(RepositorySpec(path=str(path), branch="main"), git_history=GitHistory())
    compared = 0
    records = list(zip(fields[0::3], fields[1::3], strict=False))
    assert len(records) == len(commits)
    for commit, (body, listed) in zip(commits, records, strict=True):
        body = body.removeprefix("\n")  # -z puts a newline between records
        theirs = tuple(
            (key.strip(C_SPACE), value.strip(C_SPACE))  # git trims as C's isspace() does
            for key, sep, value in (item.partition("\x1d") for item in listed.split("\x1f"))
            if sep and key.strip(C_SPACE)
        )
        assert trailers_of(body) == theirs, body
        assert commit.trailers is None and commit_trailers(commit) == theirs, body
        compared += 1
    return compared


def test_tricky_messages_give_what_git_gives(tmp_path: Path) -> None:
    make_repository(tmp_path / "repo", TRICKY)
    assert compare(tmp_path / "repo") == len(TRICKY)


def test_realistic_messages_give_what_git_gives(tmp_path: Path) -> None:
    bench = load_script("bench")
    rng = random.Random(7)
    shape = bench.HistoryShape(("discovery", "build", "launch"), seed=7)
    messages = [bench.commit_message(rng, shape, rng.random() < 0.05) for _ in range(600)]
    make_repository(tmp_path / "repo", messages)
    assert compare(tmp_path / "repo") == 600
    assert any(trailers_of(message.partition("\n\n")[2]) for message in messages)


def test_a_body_without_a_colon_has_no_trailers() -> None:
    assert trailers_of("Some prose\n\nand more\n") == ()
    assert trailers_of("Client: a\n") == (("Client", "a"),)
