"""The docs site, and the README that is both its home page and the long description.

The README's links are all absolute and land: on the package index a relative link
(``docs/cli.md``, ``docs/seed_story.png``) is broken, so the README links to the docs site, to
GitHub and to raw GitHub files, and each is checked here against the checkout (the page, the
heading anchor or the file must exist). The strict site build (``.ci/docs``) checks them again.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SITE = "https://news-timeline.github.io/news-timeline/"
RAW = "https://raw.githubusercontent.com/news-timeline/news-timeline/main/"
BLOB = "https://github.com/news-timeline/news-timeline/blob/main/"

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")
TARGETS = [
    re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)"),  # [text](target), ![alt](target)
    re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),  # [label]: target
    re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']"""),  # HTML
]


def links(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text, outside code."""
    text = CODE.sub("", FENCE.sub("", markdown))
    return [match for pattern in TARGETS for match in pattern.findall(text)]


def anchors(markdown: str) -> set[str]:
    """GitHub's (and the site's) anchors of a Markdown file's headings."""
    found = set()
    for line in FENCE.sub("", markdown).splitlines():
        if heading := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            text = re.sub(r"[`*_]|<[^>]+>", "", heading[1]).lower()
            found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


# A list item: a bullet, or "1." (only an ordered list starting at 1 can interrupt a paragraph).
ITEM = re.compile(r"( *)(?:[-*+]|1\.) \S")
FENCE_LINE = re.compile(r"( *)(```|~~~)")


def glitches(markdown: str) -> list[str]:
    """Lines that GitHub (CommonMark) and the site (Python-Markdown) read differently.

    Python-Markdown needs a blank line before a list and four spaces to nest a list or a fence
    in a list item; GitHub does not, so these only show on the site, as text run together.
    """
    found = []
    fence = ""  # the fence of the code block being read, if any
    block_is_list = directive = False
    previous = ""
    for number, line in enumerate(markdown.splitlines(), 1):
        starts_block = (
            not previous.strip()
            or previous.startswith(("#", "|"))
            or FENCE_LINE.match(previous) is not None
        )
        previous = line
        if fence:
            fence = "" if line.strip().startswith(fence) else fence
        elif match := FENCE_LINE.match(line):
            fence = match[2]
            if len(match[1]) % 4 and (block_is_list or len(match[1]) < 4):
                found.append(f"{number}: indent a fence in a list item by a multiple of 4")
        elif line.startswith(":::") or (directive and line.startswith(" ")):
            directive = True  # mkdocstrings' ::: and its indented options
        elif line.strip():
            directive = False
            item = ITEM.match(line)
            if starts_block:
                block_is_list = bool(item)
            elif item and not block_is_list:
                found.append(f"{number}: put a blank line between a paragraph and a list")
                block_is_list = True  # on GitHub, the list starts here
            if item and len(item[1]) % 4:
                found.append(f"{number}: indent a nested list item by a multiple of 4")
    return found


def test_the_link_finder_sees_every_kind_of_link() -> None:
    text = (
        "[a](docs/a.md) ![b](b.png)\n[c]: c.md\n"
        '<img src="d.png"> `[e](e.md)`\n```\n[f](f.md)\n```\n'
    )
    assert links(text) == ["docs/a.md", "b.png", "c.md", "d.png"]
    assert anchors("# Article → drafts\n## Pages: `after()`") == {"article--drafts", "pages-after"}


def test_the_markdown_checker_sees_what_the_site_would_run_together() -> None:
    assert glitches("Text:\n- a\n  - b\n\n  para\n- c\n  ```sql\n  x\n  ```\n") == [
        "2: put a blank line between a paragraph and a list",
        "3: indent a nested list item by a multiple of 4",
        "6: put a blank line between a paragraph and a list",
        "7: indent a fence in a list item by a multiple of 4",
    ]
    fine = (
        "Text\nin 2026. Then:\n\n- a\n    - b\n\n    ```sql\n    x\n    ```\n::: x\n    options:\n"
    )
    assert glitches(fine) == []


@pytest.mark.parametrize(
    "path", [README, *sorted((ROOT / "docs").rglob("*.md"))], ids=lambda path: path.name
)
def test_the_markdown_reads_the_same_on_github_and_on_the_site(path: Path) -> None:
    assert not glitches(path.read_text(encoding="utf-8"))


def test_the_long_description_is_the_readme() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    readme = project["readme"]
    assert (readme if isinstance(readme, str) else readme["file"]) == "README.md"


def test_the_readme_has_no_relative_link() -> None:
    found = links(README.read_text(encoding="utf-8"))
    assert len(found) > 20
    relative = [link for link in found if not link.startswith(("https://", "mailto:"))]
    assert not relative, f"relative links break on the package index: {relative}"


def test_every_absolute_link_into_the_project_lands() -> None:
    checked = 0
    for link in links(README.read_text(encoding="utf-8")):
        url, _, anchor = link.partition("#")
        if url.startswith(SITE):
            page = url.removeprefix(SITE).strip("/") or "index"
            source = ROOT / "docs" / page / "index.md"
            if not source.is_file():
                source = ROOT / "docs" / f"{page}.md"
            assert source.is_file(), f"{link}: no docs/{page}.md nor docs/{page}/index.md"
            if anchor:
                text = README if page == "index" else source
                assert anchor in anchors(text.read_text(encoding="utf-8")), f"{link}: no anchor"
        elif url.startswith((RAW, BLOB)):
            path = url.removeprefix(RAW).removeprefix(BLOB)
            assert (ROOT / path).is_file(), f"{link}: no {path} in the repository"
        else:
            continue
        checked += 1
    assert checked > 20


def _tool(name: str) -> Any:
    """A module of docs/tools (the site's MkDocs hook and griffe extension)."""
    spec = importlib.util.spec_from_file_location(
        f"docs_{name}", ROOT / "docs/tools" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_hook_turns_every_site_link_back_into_a_docs_file() -> None:
    hook = _tool("readme")
    assert hook.SITE == SITE and hook.RAW_DOCS == RAW + "docs/"
    text = f"[x]({SITE}queries/#what-a-call-costs) [r]({SITE}reference/) ![y]({RAW}docs/a.png)"
    assert hook.relative_links(text, ROOT / "docs") == (
        "[x](queries.md#what-a-call-costs) [r](reference/index.md) ![y](a.png)"
    )
    on_site = hook.relative_links(README.read_text(encoding="utf-8"), ROOT / "docs")
    assert SITE not in on_site and RAW + "docs/" not in on_site


def test_docstring_markup_becomes_markdown() -> None:
    pytest.importorskip("griffe", reason="needs pip install -r docs/requirements.txt")
    import griffe

    module = griffe.visit("m", Path("m.py"), "def f():\n    pass\n")
    docstring = (
        "Read a :class:`~timeline.When`::\n\n    code\n\n"
        ">>> f()  # doctest: +SKIP\n>>> 1\n1\n\nAfter."
    )
    assert _tool("sphinx_roles").markdown(module["f"], docstring) == (
        'Read a <autoref identifier="timeline.When" optional><code>When</code></autoref>:\n\n'
        "    code\n\n```pycon\n>>> f()\n>>> 1\n1\n```\n\nAfter."
    )


@pytest.mark.slow
def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """The same build as ``.ci/docs``, when the docs requirements are installed."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("needs pip install -r docs/requirements.txt (CI builds the site in .ci/docs)")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "reference" / "timeline" / "index.html").is_file()
