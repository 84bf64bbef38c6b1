"""griffe extension: the reST markup of timeline's docstrings, read as Markdown on the site.

The docstrings use Sphinx field lists (``:param x:``, ``:raises X:``), which mkdocstrings'
``sphinx`` style reads, and Sphinx roles and literal blocks, which Markdown does not:

* ``:class:`~timeline.When``` becomes ```When```, linked to its reference when the site has
  one (a ``~`` keeps the last name, as in Sphinx; a name is looked up from the docstring's
  object, as Python would);
* a paragraph ending in ``::`` ends in ``:`` (a lone ``::`` goes), its indented block staying
  a code block;
* a doctest block (``>>>`` lines up to a blank line) is fenced as a ``pycon`` code block, its
  ``# doctest:`` directives left out.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|data|mod|attr|exc|obj):`(~?)([^`]+)`")
_LITERAL = re.compile(r"(\S)?::$", re.MULTILINE)
_DIRECTIVE = re.compile(r"\s*# doctest:.*$")


def _identifier(obj: griffe.Object, name: str) -> str:
    """The canonical path of ``name`` seen from ``obj`` (unchanged if it cannot be found)."""
    first, dot, rest = name.partition(".")
    try:
        path = name if first == obj.package.name else obj.resolve(first) + dot + rest
        return str(obj.modules_collection[path].canonical_path)
    except (griffe.NameResolutionError, KeyError, griffe.AliasResolutionError):
        return name


def _role(obj: griffe.Object, match: re.Match[str]) -> str:
    name = match[2].removesuffix("()")
    shown = f"<code>{escape(name.rsplit('.', 1)[-1] if match[1] else name)}</code>"
    # An optional autoref links where the site documents the name and is plain text elsewhere.
    return f'<autoref identifier="{escape(_identifier(obj, name))}" optional>{shown}</autoref>'


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


def markdown(obj: griffe.Object, docstring: str) -> str:
    """``obj``'s docstring with its Sphinx roles, ``::`` markers and doctests as Markdown."""
    docstring = _fence_doctests(_ROLE.sub(lambda match: _role(obj, match), docstring))
    return _LITERAL.sub(lambda m: f"{m[1]}:" if m[1] else "", docstring)


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring once the package is loaded."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj, obj.docstring.value)
