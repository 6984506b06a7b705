#!/usr/bin/env python3
"""Canary: does the demo build the same on ProperDocs as on MkDocs?

    python scripts/canary.py --mkdocs-python .venv/bin/python \\
                             --properdocs-python .venv-canary/bin/python \\
                             [--today 2026-11-24] [--keep DIR]

ProperDocs (PyPI `properdocs`) is a maintained fork of MkDocs 1.x that keeps mkdocs.yml,
plugins and hooks. It installs as its own module, `properdocs`, and does not provide `mkdocs`;
it ships `properdocs.replacement`, which, once imported, makes every `import mkdocs...` load
the matching `properdocs...` module, and it reads plugins and themes registered under MkDocs'
entry points (`mkdocs.plugins`, `mkdocs.themes`), so mkdocs-material runs on it unchanged.

So the canary runs the real `milepost build` twice, as of the demo's day (MILEPOST_TODAY),
each into its own temporary folder, and the only difference between the two runs is the
interpreter and one import before Milepost's command line starts:

- MkDocs:     <mkdocs-python>     -c "from milepost.cli import main; ..." build --site-dir A
- ProperDocs: <properdocs-python> -c "import properdocs.replacement; from milepost.cli ..." build --site-dir B

The ProperDocs environment (`make canary` makes it in .venv-canary/) has Milepost and its
pinned dependencies, ProperDocs pinned, and MkDocs itself uninstalled (mkdocs-material asks for
it): a stray `import mkdocs` that escaped the redirect fails there instead of quietly using
MkDocs. The script checks that before building. Both builds share the portal's cache_dir, as
two runs of `milepost build` would; what is cached is Milepost's own output, before MkDocs.

Then it compares every file of every client's site, A against B: the content area of each
page (<article class="md-content__inner">, one node a line, as tests/golden/test_golden_pages.py
does) and each whole file. Ignored, because it must differ: the generator <meta> tag (it
names the engine), <lastmod> in sitemap.xml (the build day), and the gzip header of
sitemap.xml.gz (its mtime; the content inside is compared). It prints the files only in one
build, the files that differ with a short unified diff of their normalized text, and a final
line "N files compared, N identical, N differ".

It measures and does not judge: exit 0 when both builds ran (differences are reported, not
failures), non-zero only when a build or the set-up check failed.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TODAY = "2026-11-24"  # the Makefile's DEMO_TODAY
MAX_DIFF_LINES = 12
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

RUN_MILEPOST = "import sys; from milepost.cli import main; sys.exit(main())"
ON_PROPERDOCS = "import properdocs.replacement; "
# Prints the engine's packages on one line, then whether a module `mkdocs` of its own is there.
ENGINE = """
import importlib.metadata as m, importlib.util as u
found = []
for name in ("mkdocs", "properdocs", "mkdocs-material"):
    try:
        found.append(f"{name} {m.version(name)}")
    except m.PackageNotFoundError:
        pass
print(", ".join(found))
print(u.find_spec("mkdocs") is not None)
"""


# --- Normalizing --------------------------------------------------------------------------


class Nodes(HTMLParser):
    """HTML one node a line: tags with sorted attributes, text with its white space folded,
    indented by depth. With `content_only`, only what is inside <article class=md-content__inner>.
    The generator <meta> tag is left out."""

    def __init__(self, content_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.content_only = content_only
        self.lines: list[str] = []
        self.depth = 0 if content_only else 1  # 0: outside what is collected
        self.found = not content_only

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.content_only and not self.depth:
            if tag == "article" and "md-content__inner" in classes:
                self.found = True
                self.depth = 1
            return
        if tag == "meta" and dict(attrs).get("name") == "generator":
            return
        shown = " ".join(f'{k}="{escape(v)}"' if v is not None else k for k, v in sorted(attrs))
        self.lines.append("  " * (self.depth - 1) + f"<{tag}{' ' + shown if shown else ''}>")
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = self.depth
        self.handle_starttag(tag, attrs)
        if self.depth > depth:  # collected, and not a void element: close it again
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        self.depth -= 1
        if self.depth:
            self.lines.append("  " * (self.depth - 1) + f"</{tag}>")
        elif not self.content_only:
            self.depth = 1  # a stray end tag: keep collecting the whole file

    def _text(self, text: str) -> None:
        folded = " ".join(text.split())
        if self.depth and folded:
            self.lines.append("  " * (self.depth - 1) + folded)

    def handle_data(self, data: str) -> None:
        self._text(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

    def handle_comment(self, data: str) -> None:
        self._text(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._text(f"<!{decl}>")


def html_lines(html: str, *, content_only: bool = False) -> list[str] | None:
    """The page as normalized lines; None when `content_only` and the page has no content area."""
    parser = Nodes(content_only=content_only)
    parser.feed(html)
    parser.close()
    return parser.lines if parser.found else None


LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def file_lines(path: Path) -> list[str] | None:
    """A file's normalized text as lines, or None for a binary file (compared byte for byte)."""
    data = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        data = gzip.decompress(data)
        name = name[: -len(".gz")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if name.endswith(".html"):
        return html_lines(text)
    if name.startswith("sitemap") and name.endswith(".xml"):
        text = LASTMOD.sub("<lastmod>(build day)</lastmod>", text)
    return text.splitlines()


# --- Comparing ----------------------------------------------------------------------------


@dataclass
class Comparison:
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)  # byte for byte, or once normalized
    # of those: equal only once normalized -> what was ignored
    normalized_only: dict[str, str] = field(default_factory=dict)
    differ: dict[str, list[str]] = field(default_factory=dict)  # file -> short unified diff
    pages: int = 0  # HTML pages with a content area in both builds
    content_differ: list[str] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return len(self.identical) + len(self.differ)


def site_files(site: Path) -> set[str]:
    """Every file of a built site folder, relative to it; build leftovers (dot folders) skipped."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(site).parts[:-1])
    }


def short_diff(a: list[str], b: list[str], name: str, label_a: str, label_b: str) -> list[str]:
    lines = list(difflib.unified_diff(a, b, f"{label_a}/{name}", f"{label_b}/{name}", n=1, lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"... ({len(lines) - MAX_DIFF_LINES} more diff lines)"]
    return lines


def ignored_part(name: str) -> str:
    """What normalizing ignored in a file that is equal only once normalized."""
    if name.endswith(".gz"):
        return "gzip header"
    if name.endswith(".html"):
        return "generator meta tag"
    if Path(name).name.startswith("sitemap"):
        return "sitemap dates"
    return "line endings"


def compare_sites(a: Path, b: Path, *, label_a: str = "a", label_b: str = "b") -> Comparison:
    """Compare two built site folders file by file (see the module's docstring)."""
    result = Comparison()
    files_a, files_b = site_files(a), site_files(b)
    result.only_a = sorted(files_a - files_b)
    result.only_b = sorted(files_b - files_a)
    for name in sorted(files_a & files_b):
        path_a, path_b = a / name, b / name
        if name.endswith(".html"):
            area_a = html_lines(path_a.read_text(encoding="utf-8", errors="replace"), content_only=True)
            area_b = html_lines(path_b.read_text(encoding="utf-8", errors="replace"), content_only=True)
            if area_a is not None and area_b is not None:
                result.pages += 1
                if area_a != area_b:
                    result.content_differ.append(name)
        if path_a.read_bytes() == path_b.read_bytes():
            result.identical.append(name)
            continue
        lines_a, lines_b = file_lines(path_a), file_lines(path_b)
        if lines_a is not None and lines_a == lines_b:
            result.identical.append(name)
            result.normalized_only[name] = ignored_part(name)
        elif lines_a is None or lines_b is None:
            result.differ[name] = ["(binary files differ)"]
        else:
            result.differ[name] = short_diff(lines_a, lines_b, name, label_a, label_b)
    return result


def report(result: Comparison, *, label_a: str, label_b: str) -> str:
    out: list[str] = []
    for label, names in ((label_a, result.only_a), (label_b, result.only_b)):
        if names:
            out.append(f"Only in the {label} build ({len(names)}):")
            out.extend(f"  {name}" for name in names)
    if result.differ:
        out.append(f"Different ({len(result.differ)}):")
        for name, diff in result.differ.items():
            out.append(f"  {name}")
            out.extend(f"    {line}" for line in diff)
    if result.normalized_only:
        kinds: dict[str, int] = {}
        for part in result.normalized_only.values():
            kinds[part] = kinds.get(part, 0) + 1
        counted = ", ".join(f"{part}: {count}" for part, count in sorted(kinds.items()))
        out.append(f"Identical once normalized, differing only in what is ignored: {counted}")
    out.append(
        f"Content areas: {result.pages} pages compared, "
        f"{result.pages - len(result.content_differ)} identical, {len(result.content_differ)} differ"
        + (f" ({', '.join(result.content_differ)})" if result.content_differ else "")
    )
    out.append(f"{result.compared} files compared, {len(result.identical)} identical, {len(result.differ)} differ")
    return "\n".join(out)


# --- Building -----------------------------------------------------------------------------


class CanaryFailed(Exception):
    pass


def engine(python: str, *, properdocs: bool) -> str:
    """What the interpreter builds with, as "package version, ..."; on the ProperDocs side,
    checks that there is no MkDocs to fall back on."""
    done = subprocess.run([python, "-c", ENGINE], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise CanaryFailed(f"{python}: cannot tell its packages:\n{done.stderr.strip()}")
    found, has_mkdocs = done.stdout.strip().splitlines()
    if properdocs and "properdocs" not in found:
        raise CanaryFailed(f"{python}: ProperDocs is not installed ({found})")
    if properdocs and has_mkdocs == "True":
        raise CanaryFailed(f"{python}: MkDocs is installed beside ProperDocs, so a build could use it ({found})")
    if not properdocs and has_mkdocs != "True":
        raise CanaryFailed(f"{python}: MkDocs is not installed ({found})")
    return found


def build(python: str, site_dir: Path, *, today: str, properdocs: bool) -> float:
    code = (ON_PROPERDOCS if properdocs else "") + RUN_MILEPOST
    env = {**os.environ, "MILEPOST_TODAY": today, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    done = subprocess.run(
        [python, "-c", code, "build", "--site-dir", str(site_dir)],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    seconds = time.monotonic() - started
    said = "\n".join(line for line in done.stderr.splitlines() if line.strip())
    if done.returncode:
        raise CanaryFailed(f"the build failed (exit {done.returncode}):\n{said}")
    if said:
        print("  it said:\n" + "\n".join(f"    {line}" for line in said.splitlines()))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mkdocs-python", required=True, help="interpreter of the MkDocs environment")
    parser.add_argument("--properdocs-python", required=True, help="interpreter of the ProperDocs environment")
    parser.add_argument("--today", default=os.environ.get("MILEPOST_TODAY", DEFAULT_TODAY), metavar="YYYY-MM-DD")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep both builds in DIR/mkdocs and DIR/properdocs")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="milepost-canary-"))
    sides = {"mkdocs": (args.mkdocs_python, False), "properdocs": (args.properdocs_python, True)}
    try:
        engines = {label: engine(python, properdocs=on) for label, (python, on) in sides.items()}
        for label, (python, on_properdocs) in sides.items():
            print(f"{label}: {engines[label]}", flush=True)
            seconds = build(python, work / label, today=args.today, properdocs=on_properdocs)
            print(f"  built the demo as of {args.today} in {seconds:.1f} s", flush=True)
        result = compare_sites(work / "mkdocs", work / "properdocs", label_a="mkdocs", label_b="properdocs")
        print(report(result, label_a="mkdocs", label_b="properdocs"))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for label in sides:
                shutil.rmtree(args.keep / label, ignore_errors=True)
                shutil.move(str(work / label), str(args.keep / label))
    except CanaryFailed as err:
        sys.stdout.flush()
        print(f"canary: {err}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
