"""Render: the client's words (catalogs, dates, glossary) and the pages a client reads, from
view data prepared in Python."""
