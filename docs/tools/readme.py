"""mkdocs hook: the home page is README.md, with its absolute links made relative.

The README is also the long description on the package index, where relative links break, so
it links to the site, to GitHub and to raw GitHub files with absolute URLs. On the site, those
that point into the site or into docs/ become relative links again, so that
``mkdocs build --strict`` checks every one of them (page and anchor) and ``mkdocs serve`` stays
on the local copy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

SITE = "https://news-timeline.github.io/news-timeline/"
RAW_DOCS = "https://raw.githubusercontent.com/news-timeline/news-timeline/main/docs/"
_TO_SITE = re.compile(re.escape(SITE) + r"([\w/-]*?)/?(#[\w-]*)?(?=\))")
_TO_DOCS_FILE = re.compile(re.escape(RAW_DOCS) + r"([\w./-]+)(?=\))")


def relative_links(readme: str, docs: Path) -> str:
    """``](SITE/cli/#export)`` becomes ``](cli.md#export)``, ``](RAW_DOCS/x.png)`` ``](x.png)``.

    A page is ``docs/<path>.md`` or, for a section, ``docs/<path>/index.md``.
    """

    def page(match: re.Match[str]) -> str:
        path = match[1] or "index"
        source = f"{path}/index.md" if (docs / path / "index.md").is_file() else f"{path}.md"
        return source + (match[2] or "")

    return _TO_DOCS_FILE.sub(lambda m: m[1], _TO_SITE.sub(page, readme))


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    """Replace the home page's text with the README's."""
    if page.file.src_uri != "index.md":
        return markdown
    readme = Path(config.config_file_path).parent / "README.md"
    return relative_links(readme.read_text(encoding="utf-8"), Path(config.docs_dir))
