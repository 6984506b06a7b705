"""MkDocs hooks: the handlers live in the `milepost` package (milepost/mkdocs/hooks.py).

MkDocs puts hooks/ on sys.path only while this file loads, so the package is imported here at
the top (it is also installed into the virtual environment by `make`). A portal started with
`milepost new` has the same one-line file, importing the installed package.
"""

from milepost.mkdocs.hooks import *  # noqa: F403
