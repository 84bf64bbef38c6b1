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


def relative_links(readme: str) -> str:
    """``](SITE/cli/#export)`` becomes ``](cli.md#export)``, ``](RAW_DOCS/x.png)`` ``](x.png)``."""
    readme = _TO_SITE.sub(lambda m: f"{m[1] or 'index'}.md{m[2] or ''}", readme)
    return _TO_DOCS_FILE.sub(lambda m: m[1], readme)


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    """Replace the home page's text with the README's."""
    if page.file.src_uri != "index.md":
        return markdown
    readme = Path(config.config_file_path).parent / "README.md"
    return relative_links(readme.read_text(encoding="utf-8"))
