"""MkDocs hooks of this portal: the handlers come from the installed Milepost package."""

from milepost.mkdocs.hooks import *  # noqa: F403
