"""The `milepost` command: check, build and preview the client sites.

    milepost check [--config-file mkdocs.yml] [--today YYYY-MM-DD] [--strict]
    milepost build [--client SLUG ...] [--site-dir DIR] [--today YYYY-MM-DD] [--keep-going] [--force] [--jobs N]
                   [--verbose]
    milepost serve [--client SLUG] [--dev-addr HOST:PORT] [--today YYYY-MM-DD]
    milepost clients [--json | --folder SLUG]
    milepost letters [--client SLUG ...] [--today YYYY-MM-DD] [--out DIR] [--send]
    milepost letters --mark-sent NAME | --mark-unsent NAME
    milepost inbox [--maildir DIR]
    milepost new DIR
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# Neither imports MkDocs or Material: the variable below is still set before they are.
from milepost.errors import MilepostError
from milepost.load.settings import BuildSettings, today_override
from milepost.shown_url import mask_urls

if TYPE_CHECKING:  # for the annotations only: the commands import what they run when they run
    from milepost.load.problems import Problem
    from milepost.publish.letters import Letter, SendOutcome

# mkdocs-material prints an end-of-life notice on every build unless this is set.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milepost",
        description="Plain-language status sites for an agency's clients, from YAML and git history.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "-f", "--config-file", default="mkdocs.yml", type=Path,
            help="the portal's mkdocs.yml (default: ./mkdocs.yml)",
        )
        p.add_argument(
            "--today", metavar="YYYY-MM-DD",
            help="build as if today were this date (also: MILEPOST_TODAY); for reproducible builds",
        )

    check = sub.add_parser(
        "check", help="validate every file under projects/ and spell what clients read; exit 1 on any problem"
    )
    common(check)
    check.add_argument(
        "--strict", action="store_true",
        help=(
            "also exit 1 on warnings (likely misspellings, notes in another language, "
            "a language that could not be spelled)"
        ),
    )

    build = sub.add_parser("build", help="build one static site per client into site/<client>/")
    common(build)
    build.add_argument("--client", action="append", metavar="SLUG", help="build only this client (repeatable)")
    build.add_argument("--site-dir", default=None, type=Path, help="output folder (default: site/)")
    build.add_argument(
        "--keep-going", action="store_true",
        help="build the other clients when one fails (the command still exits non-zero)",
    )
    build.add_argument("-v", "--verbose", action="store_true", help="also print MkDocs' progress messages")
    build.add_argument(
        "--force", action="store_true",
        help="build every selected client, also those whose inputs did not change since their published build",
    )
    build.add_argument(
        "-j", "--jobs", type=_positive, default=None, metavar="N",
        help="build the clients in N processes at once (default: the number of cores)",
    )

    serve = sub.add_parser("serve", help="live preview while editing YAML (all clients, or one)")
    common(serve)
    serve.add_argument("--client", metavar="SLUG", help="preview exactly what this client will see")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")

    clients = sub.add_parser("clients", help="list the clients and where each one's site is published")
    common(clients)
    clients.add_argument(
        "--json", action="store_true",
        help="print only the client slugs, as a JSON list (for a CI matrix: one build job per client)",
    )
    clients.add_argument(
        "--folder", metavar="SLUG",
        help="print only the folder of this client's site (for CI: keep a failed client's last site)",
    )

    letters = sub.add_parser(
        "letters", help="write the letters due today as .eml files into letters/<client>/, or --send them"
    )
    common(letters)
    letters.add_argument("--client", action="append", metavar="SLUG", help="only this client's letters (repeatable)")
    letters.add_argument("--out", default=None, type=Path, help="folder for the .eml files (default: letters/)")
    action = letters.add_mutually_exclusive_group()
    action.add_argument(
        "--send", action="store_true",
        help="send them by SMTP to MILEPOST_SMTP_URL instead; each letter is sent once (letters/sent.json)",
    )
    action.add_argument(
        "--mark-sent", metavar="NAME",
        help="a letter whose fate a run could not know (it names it) was found in the Sent folder: never send it again",
    )
    action.add_argument(
        "--mark-unsent", metavar="NAME",
        help="a letter whose fate a run could not know (it names it) did not go out: send it on the next run",
    )

    inbox = sub.add_parser(
        "inbox",
        help=(
            "record the clients' e-mailed answers from MILEPOST_IMAP_URL (or --maildir) "
            "in projects/<client>/answers.yml"
        ),
    )
    common(inbox)
    inbox.add_argument(
        "--maildir", default=None, type=Path, metavar="DIR",
        help="read this Maildir folder instead of MILEPOST_IMAP_URL",
    )

    new = sub.add_parser(
        "new", help="start an agency's own portal in an empty (or new) folder: mkdocs.yml, an example client, CI"
    )
    new.add_argument("dir", type=Path, metavar="DIR", help="the folder to create the portal in (must be empty)")
    return parser


_check_log = logging.getLogger("mkdocs.plugins.milepost.check")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes; use 1 or more, e.g. --jobs 2")
    return number


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (not the stream of the first call), and
    counts the warnings (and worse) it wrote."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.count += 1
        try:
            # A log line may quote a URL (git's messages, a setting): never its credential.
            print(mask_urls(self.format(record)), file=sys.stderr)
        except Exception:  # pragma: no cover - logging must never break a build
            self.handleError(record)


@contextlib.contextmanager
def _logging_to_stderr(verbose: bool) -> Iterator[_StderrHandler]:
    """Print MkDocs' and Milepost's messages for the length of one command, then restore
    the logging set-up (the command also runs in-process, from tests and scripts). Yields
    the handler, which counts the warnings."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def _settings(config_file: Path) -> BuildSettings:
    """The portal's settings from mkdocs.yml's `extra.milepost`, checked."""
    from milepost.mkdocs.extra_config import portal_settings

    return portal_settings(config_file)


def cmd_check(args: argparse.Namespace) -> int:
    from milepost.portal import load_configured
    from milepost.spelling_check import spell_portal

    today = today_override(args.today) or dt.date.today()
    settings = _settings(args.config_file)
    with _logging_to_stderr(False) as warnings:
        # A shallow clone cannot show whether a date moved silently: that is a problem, not a
        # warning, or a pull request's check would pass while seeing nothing.
        loaded = load_configured(settings, today=today, full_history=True)
        # Spelling gives warnings, not problems: a word the dictionary lacks is not always wrong.
        spelling = spell_portal(loaded, settings.projects_dir, today=today, cache_dir=settings.cache_dir)
        for missing in spelling.missing:
            _check_log.warning("%s", missing)
        for misspelling in spelling.misspellings:
            _check_log.warning("%s", misspelling)
        for note in spelling.foreign_notes:
            _check_log.warning("%s", note)
    problems = loaded.problems
    for problem in problems:
        print(mask_urls(str(problem)))
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    if warnings.count:
        strict = " (--strict: that fails the check)" if args.strict else ""
        counted = f"{warnings.count} warning(s){strict}"
        print(f"{settings.projects_dir.name}/: no problems found; {counted}.", file=sys.stderr)
        return 1 if args.strict else 0
    print(f"{settings.projects_dir.name}/: no problems found.", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from milepost.errors import BuildFailed
    from milepost.mkdocs.build import build_clients
    from milepost.mkdocs.workers import default_jobs

    site_dir = args.site_dir or args.config_file.resolve().parent / "site"
    try:
        with _logging_to_stderr(args.verbose):
            outcome = build_clients(
                args.config_file,
                clients=args.client,
                site_dir=site_dir,
                today=today_override(args.today),
                keep_going=args.keep_going,
                skip_unchanged=not args.force,
                jobs=args.jobs or default_jobs(),
            )
    except BuildFailed as err:
        print(mask_urls(str(err)), file=sys.stderr)
        return 1
    for slug, folder in outcome.built.items():
        print(f"built {slug}: {folder / 'index.html'}")
    for slug, folder in outcome.unchanged.items():
        print(f"unchanged {slug}: {folder / 'index.html'} (not rebuilt; --force rebuilds it)")
    for problem in outcome.problems:
        print(mask_urls(str(problem)), file=sys.stderr)
    for slug, message in outcome.failed.items():
        print(mask_urls(f"FAILED {slug}: {message}"), file=sys.stderr)
    if outcome.failed:
        print(f"not built: {', '.join(outcome.failed)}", file=sys.stderr)
    return 0 if outcome.ok else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from milepost.errors import BuildFailed
    from milepost.mkdocs.serve import serve_extra, serve_portal

    extra = serve_extra(args.config_file, client=args.client, today=today_override(args.today))
    try:
        with _logging_to_stderr(True):
            serve_portal(args.config_file, dev_addr=args.dev_addr, extra=extra)
    except BuildFailed as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def cmd_clients(args: argparse.Namespace) -> int:
    import json

    from milepost.load.client_folders import client_folder, path_secret
    from milepost.portal import load_configured

    today = today_override(args.today) or dt.date.today()
    settings = _settings(args.config_file)
    loaded = load_configured(settings, today=today)
    if not loaded.slugs:
        for problem in loaded.problems:
            print(mask_urls(str(problem)), file=sys.stderr)
        print(f"{len(loaded.problems)} problem(s) found; run `milepost check`.", file=sys.stderr)
        return 1
    # Every client, broken ones too: each is built (and fails) on its own, so one client's
    # problem does not hold back the others (a CI matrix gets one job per client).
    broken = set(loaded.broken)
    for slug in loaded.broken:
        count = len(loaded.problems_of(slug))
        print(f"{slug}: {count} problem(s); its build will fail until they are fixed "
              "(run `milepost check`).", file=sys.stderr)
    secret = path_secret()
    folders = {client.slug: client_folder(client, secret) for client in loaded.clients}
    if args.folder:
        # For a CI job whose client failed: where that client's published site is.
        if args.folder not in folders:
            print(f"milepost: {args.folder}: no such client, or its client.yml has problems, "
                  "so where its site is published is not known.", file=sys.stderr)
            return 1
        print(folders[args.folder])
        return 0
    if args.json:
        # Slugs only: a CI log shows matrix values, and a site's folder may be meant to stay unguessable.
        print(json.dumps(list(loaded.slugs)))
        return 0
    for slug in loaded.slugs:
        client = next((c for c in loaded.clients if c.slug == slug), None)
        if client is None:
            print(f"{slug}: (its client.yml has problems)")
            continue
        protected = f"  (password in {client.password_env})" if client.password_env else ""
        state = "  (has problems: not built until they are fixed)" if slug in broken else ""
        print(f"{slug}: site/{folders[slug]}/{protected}{state}")
    return 0


@dataclass(frozen=True)
class DueLetters:
    """The letters due, with the settings and the sent record's path; or, when projects/ has
    problems, those problems and no letters."""

    settings: BuildSettings
    letters: list[Letter]
    record_path: Path
    problems: tuple[Problem, ...] = ()


def due_letters(
    config_file: Path, override: dt.date | None, only: Sequence[str] = (), *, send: bool = False
) -> DueLetters:
    """The letters due (for the clients in `only`, else all) on `override` or today. With
    `send`, a bad MILEPOST_SMTP_URL stops before anything is read."""
    from milepost.errors import LetterError
    from milepost.mkdocs.config_file import read_mkdocs_config
    from milepost.mkdocs.extra_config import portal_settings
    from milepost.portal import load_configured
    from milepost.publish.letters import SENT_RECORD, portal_letters, read_record, smtp_server

    config = read_mkdocs_config(config_file)  # read once: the settings and the site's address
    settings = portal_settings(config_file, config)
    if not settings.letters_from:
        raise LetterError(
            "extra.milepost.letters.from is not set in mkdocs.yml; write the address letters come "
            'from, e.g. letters: {from: "Example Agency <status@agency.example>"}'
        )
    if send:
        smtp_server()
    override = override or settings.today
    record_path = settings.root / SENT_RECORD
    loaded = load_configured(settings, today=override or dt.date.today(), full_history=True)
    if loaded.problems or loaded.portal is None:
        return DueLetters(settings, [], record_path, tuple(loaded.problems))
    portal = loaded.portal
    known = {c.slug for c in portal.clients}
    for slug in only:
        if slug not in known:
            raise LetterError(
                f"--client {slug}: no such client in {settings.projects_dir.name}/ ({', '.join(sorted(known))})"
            )
    clients = [c for c in portal.clients if not only or c.slug in only]
    letters = portal_letters(
        settings, config.site_url or "", portal, clients, read_record(record_path), override,
        file_versions=loaded.file_versions, git_history=loaded.git_history,
    )
    return DueLetters(settings, letters, record_path)


def _settle_command(name: str) -> str:
    return f"milepost letters --mark-sent {name}  (or --mark-unsent {name})"


def send_report(outcome: SendOutcome, record_path: Path) -> tuple[list[str], list[str]]:
    """What a sending run prints: lines for stdout (each letter) and for stderr (what the PM
    must know or do)."""
    out = [f"sent {e.client}: {e.subject}" for e in outcome.sent]
    err: list[str] = []
    for refusal in outcome.refused:
        who = "; ".join(f"{address} ({answer})" for address, answer in refusal.recipients.items())
        err.append(
            f"REFUSED {refusal.letter.client}: {refusal.letter.subject}: the server did not take it for {who}; "
            "it goes to them on the next run (check the address in the client's letters.to)"
        )
    for entry in outcome.unknown:
        err.append(
            f"UNKNOWN {entry.client}: {entry.subject}: a run stopped while the server was taking it, so whether it "
            f"went out is not known and it is not sent again. Look for Message-ID {entry.message_id} in the Sent "
            f"folder of the sending address (or ask {', '.join(entry.attempt) or 'its recipients'}); then run "
            f"`{_settle_command(entry.name)}` to send it on the next run"
        )
    if outcome.failure is None or outcome.sent:
        err.append(f"{len(outcome.sent)} letter(s) sent; the record is {record_path}.")
    if outcome.failure is not None:
        err.append(f"milepost: {outcome.failure}")
    return out, err


def cmd_letters(args: argparse.Namespace) -> int:
    from milepost.publish.letters import SENT_RECORD, mark_letter, send_letters, smtp_server, write_letters

    if args.mark_sent or args.mark_unsent:
        record_path = _settings(args.config_file).root / SENT_RECORD
        entry = mark_letter(record_path, args.mark_sent or args.mark_unsent, sent=bool(args.mark_sent))
        state = "sent: it is never sent again" if args.mark_sent else "not sent: it is sent on the next run"
        print(f"{entry.client}: {entry.subject} ({entry.message_id}) is now on record as {state}.", file=sys.stderr)
        return 0
    due = due_letters(args.config_file, today_override(args.today), args.client or (), send=args.send)
    if due.problems:
        for problem in due.problems:
            print(problem, file=sys.stderr)
        print(f"{len(due.problems)} problem(s) found; run `milepost check`. No letters were written.", file=sys.stderr)
        return 1
    if not args.send:
        out = args.out or due.settings.root / "letters"
        for path in write_letters(due.letters, out):
            print(f"wrote {path}")
        if not due.letters:
            print("No letters are due.", file=sys.stderr)
        return 0
    outcome = send_letters(due.letters, due.record_path, smtp_server())
    lines, notes = send_report(outcome, due.record_path)
    for line in lines:
        print(line)
    for note in notes:
        print(note, file=sys.stderr)
    return 1 if (outcome.failure or outcome.unknown or outcome.refused) else 0


def cmd_inbox(args: argparse.Namespace) -> int:
    """Read the mailbox, record every new message (applied or refused), print what was recorded."""
    from email.utils import parseaddr

    from milepost.answer_reference import answer_secret
    from milepost.answers.inbox import run_inbox
    from milepost.answers.mailbox import imap_mailbox, imap_messages, maildir_messages
    from milepost.portal import load_configured

    secret = answer_secret()
    box = None if args.maildir else imap_mailbox(os.environ)  # a bad URL stops before anything is read
    settings = _settings(args.config_file)
    today = today_override(args.today) or settings.today or dt.date.today()
    loaded = load_configured(settings, today=today, full_history=False)
    if loaded.problems or loaded.portal is None:
        for problem in loaded.problems:
            print(mask_urls(str(problem)), file=sys.stderr)
        print(f"{len(loaded.problems)} problem(s) found; run `milepost check`. No answers were read.", file=sys.stderr)
        return 1
    messages = maildir_messages(args.maildir) if box is None else imap_messages(box)
    now = dt.datetime.now(dt.UTC)
    agency = frozenset(
        a.lower() for a in (parseaddr(settings.letters_from)[1], settings.answers_address) if a
    )
    result = run_inbox(
        messages, loaded.portal, settings.projects_dir, secret, settings.answers_trusted_servers, now, agency
    )
    for late in result.unanswered:
        print(
            mask_urls(
                f"UNANSWERED {late.client}: {late.name} <{late.address}> \"{late.subject}\", "
                f"{late.received.isoformat(timespec='minutes')}: {late.waited_hours:.0f} h waiting, "
                f"{late.promised_hours:g} h promised"
            )
        )
    for client, entry in result.recorded:
        who = f"{entry.name} <{entry.address}>" if entry.name else entry.address or "unknown sender"
        what = f"{entry.item} {entry.action}" if entry.item else "no item"
        verdict = "applied" if entry.applied else f"NOT applied: {entry.reason}"
        print(mask_urls(f"{client or '_unmatched'}: {what} from {who}: {verdict}"))
    print(f"{result.seen} message(s) read, {len(result.recorded)} new recorded.", file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from milepost.portal_skeleton import new_portal

    target: Path = args.dir
    for path in new_portal(target):
        print(f"wrote {path}")
    print(
        f"\nA new portal is in {target}. Next: read its README.md, then\n"
        f"  cd {target} && git init && git add -A && git commit -m 'Start the portal'\n"
        "  milepost check && milepost build",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "check": cmd_check, "build": cmd_build, "serve": cmd_serve, "clients": cmd_clients, "letters": cmd_letters,
        "inbox": cmd_inbox, "new": cmd_new,
    }
    try:
        return handlers[args.command](args)
    except MilepostError as err:  # the message names the file or setting and the fix
        print(mask_urls(f"milepost: {err}"), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
