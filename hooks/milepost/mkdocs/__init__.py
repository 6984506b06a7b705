"""The MkDocs glue, and the only subpackage that imports MkDocs: the hooks' work, the
`extra.milepost` settings as a MkDocs Config, one MkDocs build per client, and serve.

A move away from MkDocs (see docs/building.md, "MkDocs' future") replaces this folder."""
