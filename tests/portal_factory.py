"""Make small, real portals (mkdocs.yml + projects/) in a temporary folder for build tests."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def make_portal(base: Path, files: dict[str, str]) -> Path:
    """Write a portal into `base` and return its mkdocs.yml.

    `files` maps paths under `projects/` (e.g. "acme/client.yml") to their YAML text. The
    portal uses this repository's mkdocs.yml, with the hook file referenced by absolute path
    so that the build runs the code under test.
    """
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["hooks"] = [str(ROOT / "hooks" / "milepost_hooks.py")]
    config["watch"] = []
    config["extra"]["milepost"]["cache_dir"] = str(base / ".cache")
    (base / "docs").mkdir(parents=True, exist_ok=True)
    (base / "docs" / "index.md").write_text("# Team notes\n\nInternal only.\n", encoding="utf-8")
    for relative, text in files.items():
        path = base / "projects" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config_file = base / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file
