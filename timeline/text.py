"""Name matching: the key under which names and aliases are looked up.

Two spellings of a name match when they differ only in case, accents, Unicode normal form,
hyphens, punctuation or spacing: "Kim Jong-un", "KIM JONG UN" and "Kim  Jong Un" share one key;
"김정은" matches itself whether typed composed or decomposed.
"""

from __future__ import annotations

import unicodedata

_DROP_CATEGORIES = {"Mn", "Me", "Cf"}  # combining marks, enclosing marks, zero-width/format chars


def name_key(name: str) -> str:
    """Return the lookup key of ``name``: case-folded, accents and punctuation removed.

    >>> name_key("Kim Jong-un") == name_key("KIM  JONG UN")
    True
    """
    decomposed = unicodedata.normalize("NFKD", name)
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category in _DROP_CATEGORIES:
            continue
        kept.append(" " if category[0] in "PZ" else char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    return " ".join(folded.split())
