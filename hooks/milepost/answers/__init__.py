"""The clients' e-mailed answers: the mailbox they are read from, how each is judged, and the
append-only record in git (`projects/<client>/answers.yml`). Run by `milepost inbox`."""
