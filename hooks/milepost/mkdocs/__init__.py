"""The MkDocs glue, and the only subpackage that imports MkDocs: the hooks' work, the
`extra.milepost` settings as a MkDocs Config, one MkDocs build per client, and serve.

A move away from MkDocs (see docs/building.md, "MkDocs' future") replaces this folder.

ProperDocs, the maintained fork of MkDocs 1.x, installs as `properdocs`, without a module
`mkdocs`; its `properdocs.replacement`, once imported, makes every `import mkdocs...` load the
matching `properdocs...` module. Where MkDocs is not installed and ProperDocs is, it is imported
here, before any module of this folder imports MkDocs: in `milepost build`'s worker processes
too, which import this folder afresh. Where MkDocs is installed, nothing changes.
"""

import importlib
import importlib.util

if importlib.util.find_spec("mkdocs") is None and importlib.util.find_spec("properdocs") is not None:
    importlib.import_module("properdocs.replacement")
