"""The published JSON Schema of the library's JSON / JSON Lines records.

:data:`RECORD_SCHEMA` validates one record (one line of a ``.jsonl`` file, or one item of the
``records`` list of a ``.json`` file); :data:`DOCUMENT_SCHEMA` validates a whole ``.json`` file.
``timeline schema`` prints it.
"""

from __future__ import annotations

from typing import Any

#: The stored columns of a ``When``, as the ``when`` object of events and claims carries them.
WHEN_FIELDS = (
    "span",
    "start_state",
    "end_state",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
    "start_at",
    "end_at",
    "start_tz",
    "end_tz",
    "start_precision",
    "end_precision",
    "start_approximate",
    "start_uncertain",
    "end_approximate",
    "end_uncertain",
    "edtf",
    "date_phrase",
    "date_reference",
)

_ID = {"type": "integer"}
_REF = {"type": ["integer", "null"]}
_TEXT = {"type": "string", "minLength": 1}
_OPT_TEXT = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_IDS = {"type": "object", "additionalProperties": {"type": "string"}}
_STATUS = {
    "enum": [
        "occurred",
        "ongoing",
        "scheduled",
        "expected",
        "planned",
        "rumored",
        "postponed",
        "cancelled",
        "denied",
        "unknown",
    ]
}
_STATE = {"enum": ["known", "open", "unknown"]}
_PRECISION = {
    "enum": [
        "time",
        "day",
        "week",
        "month",
        "quarter",
        "season",
        "quadrimester",
        "half",
        "year",
        "decade",
        "century",
        "millennium",
        "unknown",
    ]
}

WHEN_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "A fuzzy date: four strict bounds, per-end precision and qualifiers.",
    "required": ["span", "start_earliest", "end_latest"],
    "additionalProperties": False,
    "properties": {
        "span": {"type": "boolean"},
        "start_state": _STATE,
        "end_state": _STATE,
        "start_earliest": _DATE,
        "start_latest": _DATE,
        "end_earliest": _DATE,
        "end_latest": _DATE,
        "start_at": _DATETIME,
        "end_at": _DATETIME,
        "start_tz": _OPT_TEXT,
        "end_tz": _OPT_TEXT,
        "start_precision": _PRECISION,
        "end_precision": _PRECISION,
        "start_approximate": {"type": "boolean"},
        "start_uncertain": {"type": "boolean"},
        "end_approximate": {"type": "boolean"},
        "end_uncertain": {"type": "boolean"},
        "edtf": _OPT_TEXT,
        "date_phrase": _OPT_TEXT,
        "date_reference": _DATE,
    },
}


def _record(kind: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *required],
        "properties": {"type": {"const": kind}, **properties},
        "additionalProperties": False,
    }


RECORD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://timeline.invalid/schema/record-1.json",
    "title": "timeline record (version 1)",
    "description": "One record of a timeline JSON Lines file, or of the records of a JSON file.",
    "oneOf": [
        _record("timeline", ["version"], {"version": {"const": 1}}),
        _record(
            "entity",
            ["id", "name", "kind"],
            {
                "id": _ID,
                "name": _TEXT,
                "kind": _TEXT,
                "country": _OPT_TEXT,
                "aliases": {"type": "array", "items": _TEXT},
                "external_ids": _IDS,
                "created_at": _DATETIME,
            },
        ),
        _record(
            "place",
            ["id", "name", "kind"],
            {
                "id": _ID,
                "name": _TEXT,
                "kind": _TEXT,
                "country": _OPT_TEXT,
                "parent": _REF,
                "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
                "lon": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
                "aliases": {"type": "array", "items": _TEXT},
                "external_ids": _IDS,
            },
        ),
        _record(
            "source",
            ["id", "title", "publisher", "published"],
            {
                "id": _ID,
                "title": _TEXT,
                "url": _OPT_TEXT,
                "publisher": _ID,
                "published": {"type": "string", "format": "date"},
                "published_at": _DATETIME,
                "created_at": _DATETIME,
            },
        ),
        _record(
            "event",
            ["id", "title", "kind", "when"],
            {
                "id": _ID,
                "title": _TEXT,
                "summary": _OPT_TEXT,
                "kind": _TEXT,
                "status": _STATUS,
                "place": _REF,
                "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                "when": {**WHEN_SCHEMA, "type": "object"},
                "actors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["entity", "role"],
                        "properties": {"entity": _ID, "role": _TEXT},
                        "additionalProperties": False,
                    },
                },
                "tags": {"type": "array", "items": _TEXT},
                "external_ids": _IDS,
                "created_at": _DATETIME,
                "updated_at": _DATETIME,
            },
        ),
        _record(
            "relation",
            ["source", "target", "kind"],
            {
                "source": _ID,
                "target": _ID,
                "kind": {"enum": ["part_of", "follows", "causes", "responds_to", "same_as"]},
            },
        ),
        _record(
            "claim",
            ["event"],
            {
                "event": _ID,
                "source": _REF,
                "status": {"anyOf": [_STATUS, {"type": "null"}]},
                "quote": _OPT_TEXT,
                "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                "published": _DATE,
                "recorded_at": _DATETIME,
                "when": WHEN_SCHEMA,
            },
        ),
        _record(
            "statement",
            ["speaker", "text"],
            {
                "speaker": _ID,
                "text": _TEXT,
                "source": _REF,
                "event": _REF,
                "said_edtf": _OPT_TEXT,
                "said_earliest": _DATE,
                "said_latest": _DATE,
                "recorded_at": _DATETIME,
                "about": {"type": "array", "items": _ID},
            },
        ),
    ],
}

DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "timeline JSON document (version 1)",
    "type": "object",
    "required": ["timeline", "records"],
    "properties": {
        "timeline": {"const": 1},
        "records": {"type": "array", "items": RECORD_SCHEMA},
    },
}
