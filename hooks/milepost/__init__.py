"""Milepost: honest, plain-language status sites and letters for an agency's clients.

The package is a pipeline; each stage is a folder and each stage only uses the ones before it:

    load/      projects/ and mkdocs.yml's settings -> checked plain data (model.py), or problems
    history/   git: commit histories, remote mirrors, project-file versions, on-disk caches
    classify/  commits -> what a client may read (rules, subjects, trailers, redaction)
    status/    health, forecasts, the promise ledger, burn-up, recent weeks: measured facts
    render/    view data and sentences in the client's language -> pages (templates)
    publish/   feeds, status.json, privacy, password protection, the page cache
    mkdocs/    the only code that imports MkDocs: hooks, one build per client, serve

Beside them: model.py (plain data), errors.py (the exception tree), i18n.py (the client's
words), portal.py (the portal loaded and checked, for every command) and cli.py.
`docs/architecture.md` tells where a new output goes.
"""
