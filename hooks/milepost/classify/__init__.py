"""Classify: each commit becomes what its client may read - hidden, counted, or a plain sentence
under a heading - by ordered rules kept as data, with anything secret-looking redacted."""
