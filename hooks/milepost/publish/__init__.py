"""Publish: the files beside the pages (feeds, calendar, status.json), what keeps a client's
site private, password protection, and the cache of rendered sites."""
