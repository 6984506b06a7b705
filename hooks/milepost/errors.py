"""Milepost's one exception tree.

Every error Milepost raises on purpose is a `MilepostError`: its message is for the person who
runs the build (it names the file, line or setting and says how to fix it), never a traceback.
The MkDocs glue turns it into MkDocs' `PluginError` at one place; the `milepost` command prints
it as one line.
"""

from __future__ import annotations


class MilepostError(Exception):
    """A problem Milepost explains in its message; the base of all of Milepost's errors."""
