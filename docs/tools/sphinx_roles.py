"""griffe extension: the reST markup of timeline's docstrings, read as Markdown on the site.

The docstrings use Sphinx field lists (``:param x:``, ``:raises X:``), which mkdocstrings'
``sphinx`` style reads, and Sphinx roles and literal blocks, which Markdown does not:

* ``:class:`~timeline.When``` becomes ```When``` (a ``~`` keeps the last name, as in Sphinx);
* a paragraph ending in ``::`` ends in ``:`` (a lone ``::`` goes), its indented block staying
  a code block;
* a doctest block (``>>>`` lines up to a blank line) is fenced as a ``pycon`` code block, its
  ``# doctest:`` directives left out.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|data|mod|attr|exc|obj):`(~?)([^`]+)`")
_LITERAL = re.compile(r"(\S)?::$", re.MULTILINE)
_DIRECTIVE = re.compile(r"\s*# doctest:.*$")


def _role(match: re.Match[str]) -> str:
    target = match[2].rsplit(".", 1)[-1] if match[1] else match[2]
    return f"`{target}`"


def _fence_doctests(docstring: str) -> str:
    lines: list[str] = []
    fence = ""  # the indented fence of the doctest block being read, if any
    for line in docstring.splitlines():
        if fence and not line.strip():
            lines.append(fence)
            fence = ""
        elif not fence and line.lstrip().startswith(">>>"):
            fence = line[: len(line) - len(line.lstrip())] + "```"
            lines.append(fence + "pycon")
        lines.append(_DIRECTIVE.sub("", line) if fence else line)
    return "\n".join([*lines, fence] if fence else lines)


def markdown(docstring: str) -> str:
    """The docstring with its Sphinx roles, ``::`` markers and doctests as Markdown."""
    docstring = _fence_doctests(_ROLE.sub(_role, docstring))
    return _LITERAL.sub(lambda m: f"{m[1]}:" if m[1] else "", docstring)


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring once the package is loaded."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
