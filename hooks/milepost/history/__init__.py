"""History: everything Milepost reads from git (commits, remote mirrors, the project files' own
versions) and the on-disk caches that keep it between builds."""
