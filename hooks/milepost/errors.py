"""Milepost's one exception tree.

Every error Milepost raises on purpose is a `MilepostError`: its message is for the person who
runs the build (it names the file, line or setting and says how to fix it), never a traceback.
The MkDocs glue turns it into MkDocs' `PluginError` at one place (`milepost.mkdocs.site`); the
`milepost` command prints it as its message, one line per problem, and exits 1.

    MilepostError
    ├── SettingsError        mkdocs.yml or `extra.milepost` (also a ValueError)
    ├── RulesError           a client's `commit_rules`
    ├── HistoryError         a repository's history cannot be read
    ├── RemoteError          a remote repository cannot be cloned or fetched
    ├── ProjectHistoryError  a history error, named after the project file that asked
    ├── GitError             git could not do what was asked (its `kind` says what)
    ├── PrivacyError         a privacy setting (also a ValueError)
    ├── ProtectionError      a password-protected site
    ├── CatalogError         a message catalog that cannot be read (also a ValueError)
    ├── LetterError          `milepost letters`: its settings, the SMTP server, the sent record
    │   ├── RecordNotWritten     the sent record cannot be written (read-only, full)
    │   └── RecordEntryError     an entry of the sent record cannot be read (also a ValueError)
    ├── SmtpReplyTooLong     an SMTP reply longer than is read (also an SMTPException)
    ├── SmtpDeadlinePassed   an SMTP conversation past its deadline (also a TimeoutError)
    ├── ImapDeadlinePassed   an IMAP command not answered whole within its deadline (also a TimeoutError)
    ├── AnswerError          answers: the secret, MILEPOST_IMAP_URL, the mailbox, the answers record
    ├── NewPortalError       `milepost new DIR`: the folder is not empty, or cannot be written
    ├── FileWriteError       a file cannot be written (a full disk, a read-only folder...)
    ├── LockError            a lock is held too long by another process, or cannot be made
    └── BuildFailed          nothing could be built (or served): problems in projects/, ...

The history readers' own control flow (`_Unavailable`, `_Shallow`, `_Refused` in
`milepost.history.project_files`) also derives from `MilepostError`; those never leave their
module.
"""

from __future__ import annotations

import smtplib

from milepost.shown_url import masked_url


class MilepostError(Exception):
    """A problem Milepost explains in its message; the base of all of Milepost's errors."""


class SettingsError(MilepostError, ValueError):
    """A setting the agency gave is wrong (mkdocs.yml, `extra.milepost`, `--today`,
    MILEPOST_TODAY); the message says which and how to fix it."""


class RulesError(MilepostError):
    """Rule data that cannot be used; the message names the rule and the field."""


class PatternError(MilepostError, ValueError):
    """A regular expression RE2 cannot run (linear_regex.py); the message says why and what to
    write instead."""


class HistoryError(MilepostError):
    """A repository's history cannot be read. `str(err)` is the whole message for the agency."""

    def __init__(self, repository: str, detail: str, *, kind: str = "failed") -> None:
        self.repository = masked_url(repository)  # a URL is shown without its credentials
        repository = self.repository
        self.detail = detail
        self.kind = kind  # as GitError's `kind`, when git said what went wrong
        self.message = f"repository {repository}: {detail}" if repository else detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class RemoteError(MilepostError):
    """A remote repository cannot be cloned or fetched. `repository` holds no credentials."""

    def __init__(self, repository: str, detail: str) -> None:
        self.repository = masked_url(repository)
        self.detail = detail
        super().__init__(f"repository {self.repository}: {detail}")


class ProjectHistoryError(MilepostError):
    """A project's repository cannot be read; the message names the project file and the
    repository and says what to check."""


class PrivacyError(MilepostError, ValueError):
    """A privacy setting cannot be used; the message names it and says how to fix it."""


class ProtectionError(MilepostError):
    """A protected site cannot be built; the message names the setting and how to fix it."""


class LetterError(MilepostError):
    """Letters cannot be written or sent (no `letters.from`, a bad MILEPOST_SMTP_URL, an SMTP
    server that refuses or cannot be reached, a damaged sent record); one line naming the
    setting or the server (never a password) and what to check."""


class RecordNotWritten(LetterError):
    """The record of sent letters (`letters/sent.json`) could not be written (a read-only or
    full folder); the file on disk is as it was before. The message names the folder."""


class RecordEntryError(LetterError, ValueError):
    """One entry of the record of sent letters cannot be read; the message names the field."""


class SmtpReplyTooLong(MilepostError, smtplib.SMTPException):
    """An SMTP server's reply went past the most Milepost reads of one reply."""


class SmtpDeadlinePassed(MilepostError, TimeoutError):
    """An SMTP conversation did not finish within its deadline, however slowly the server answered."""


class ImapDeadlinePassed(MilepostError, TimeoutError):
    """An IMAP server did not answer a command (or greet) whole within the deadline, however it
    spaced its bytes."""


class BuildFailed(MilepostError):
    """Nothing could be built or served (problems in projects/, no usable client folders, MkDocs
    refusing the preview); the message says why and how to fix it."""


class CatalogError(MilepostError, ValueError):
    """A message catalog (`locale/<language>/LC_MESSAGES/milepost.po`) that cannot be read;
    the message names the file and the fix."""


class GitError(MilepostError):
    """git could not do what was asked. `str(err)` is the whole message for the agency.

    `kind` says what went wrong (one of history/git_runner.py's FAILED, DUBIOUS_OWNERSHIP,
    NOT_A_REPOSITORY, UNKNOWN_REVISION, SHALLOW, TIMEOUT, NOT_STARTED); `said` is git's own
    message (masked), `returncode` its exit status (None when git did not run to the end).
    """

    def __init__(
        self, repository: str, detail: str, *, kind: str = "failed", said: str = "", returncode: int | None = None
    ) -> None:
        self.repository = masked_url(repository)  # a URL is shown without its credentials
        repository = self.repository
        self.detail = detail
        self.kind = kind
        self.said = said
        self.returncode = returncode
        self.message = f"repository {repository}: {detail}" if repository else detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NewPortalError(MilepostError):
    """`milepost new DIR` cannot start a portal there (the folder is not empty, or not writable)."""


class FileWriteError(MilepostError, OSError):
    """A file cannot be written (atomic_write.py): a full disk, a read-only folder, a file where
    a folder should be; one line naming the file and what to do. Also an OSError, so code that
    goes on without a file it cannot write (a cache) catches it as before."""


class LockError(MilepostError):
    """A lock (file_lock.py) that another process still holds after the wait, or a lock file
    that cannot be made; one line naming the lock file, what holds it and what to do."""


class AnswerError(MilepostError):
    """Answers cannot be prepared or read (no MILEPOST_ANSWER_SECRET, a bad MILEPOST_IMAP_URL, a
    mailbox that refuses or cannot be reached, a damaged answers.yml); one line naming the
    setting or the server (never a password) and what to check."""
