"""Microsoft Recognizers-Text as a peer of ``find_dates``, run in a virtual environment of its own.

``benchmarks/score_dates.py --peer recognizers --peer-python VENV/bin/python`` runs this script
with that interpreter, where ``pip install recognizers-text-suite "emoji<1.0"`` was done. It reads
``[{"text": ..., "reference": "YYYY-MM-DD"}, ...]`` as JSON on stdin and writes, for each
document, the entities found (offsets, text, type name, resolution values) and the seconds the
recognizer spent on it, as JSON on stdout. It does not import ``timeline``.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime


def main() -> None:
    """Recognize every document read from stdin."""
    from recognizers_date_time import DateTimeRecognizer
    from recognizers_text import Culture

    model = DateTimeRecognizer(Culture.English).get_datetime_model()
    results = []
    for document in json.load(sys.stdin):
        reference = datetime.fromisoformat(document["reference"])
        began = time.perf_counter()
        found = model.parse(document["text"], reference)
        elapsed = time.perf_counter() - began
        entities = [
            {
                "start": entity.start,
                "end": entity.end + 1,  # Recognizers-Text gives the last character
                "type": entity.type_name.rsplit(".", 1)[-1],
                "values": (entity.resolution or {}).get("values", []),
            }
            for entity in found
        ]
        results.append({"entities": entities, "seconds": elapsed})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
