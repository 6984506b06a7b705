"""Load: the portal's files (projects/, extra.milepost) read, checked and turned into plain data.

Every problem is a `Problem` naming file, line and field, with how to fix it."""
