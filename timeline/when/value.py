"""The :class:`When` value: when something happened, or is expected to, with honest uncertainty.

The four-point model: the start lies in ``[start_earliest, start_latest]`` and the end in
``[end_earliest, end_latest]``. An *instant* happened at one moment somewhere in its start window
(and then the end equals the start); a *span* lasted from its start to its end.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from timeline.errors import InvalidDateError
from timeline.when.calendar import civil
from timeline.when.endpoint import Endpoint, check_bound, coerce, describe, le
from timeline.when.enums import EndState, Precision

if TYPE_CHECKING:
    from timeline.when.conventions import Conventions
    from timeline.when.enums import Certainty
    from timeline.when.periods import Direction

__all__ = ["BOUNDS", "Endpoint", "When"]

#: The names of a ``When``'s four bounds, earliest start to latest end.
BOUNDS = ("start_earliest", "start_latest", "end_earliest", "end_latest")


@dataclass(frozen=True)
class When:
    """When something happened, or is expected to: an instant or a span with fuzzy ends.

    Build one with :meth:`parse`, :meth:`on` or :meth:`between`; the constructor takes the
    stored columns and validates them. Omitted precisions are inferred from the bounds and an
    omitted ``edtf`` is written from them (``None`` when EDTF cannot say the value).

    :ivar start_earliest: earliest possible start (``None``: unbounded, the start is not known).
    :ivar start_latest: latest possible start.
    :ivar end_earliest: earliest possible end (for an instant, equal to ``start_earliest``).
    :ivar end_latest: latest possible end (``None``: open or unknown end).
    :ivar span: ``False`` for an instant, ``True`` for a span.
    :ivar edtf: the canonical EDTF text (not compared: equality is about the time).
    :ivar phrase: the text this value was read from, when it was not canonical EDTF.
    :ivar reference: the date a relative phrase was resolved against, or the day an open end
        was said to be still going (see :attr:`ongoing_until`).
    """

    start_earliest: date | None
    start_latest: date | None
    end_earliest: date | None
    end_latest: date | None
    span: bool
    start_state: EndState = EndState.KNOWN
    end_state: EndState = EndState.KNOWN
    start_precision: Precision = None  # type: ignore[assignment]  # inferred when omitted
    end_precision: Precision = None  # type: ignore[assignment]  # inferred when omitted
    start_approximate: bool = False
    start_uncertain: bool = False
    end_approximate: bool = False
    end_uncertain: bool = False
    edtf: str | None = field(default=None, compare=False)
    phrase: str | None = field(default=None, compare=False)
    reference: date | None = field(default=None, compare=False)

    # -- validation -------------------------------------------------------------------------

    def __post_init__(self) -> None:
        from timeline.when import edtf_write

        setter = object.__setattr__
        text = self.edtf or self.phrase or "When(...)"
        for name in ("start_state", "end_state"):
            setter(self, name, coerce(EndState, getattr(self, name), text, name))
        for name in ("start_precision", "end_precision"):
            value = getattr(self, name)
            if value is not None:
                setter(self, name, coerce(Precision, value, text, name))
        for name in (
            "span",
            "start_approximate",
            "start_uncertain",
            "end_approximate",
            "end_uncertain",
        ):
            setter(self, name, bool(getattr(self, name)))
        for name in BOUNDS:
            check_bound(getattr(self, name), text, name)
        if self.reference is not None and not isinstance(self.reference, date):
            raise InvalidDateError(self.reference, "a reference must be a date", part="reference")
        self._check_shape(text)
        if self.start_precision is None:
            setter(self, "start_precision", edtf_write.infer_precision(*self.start_window()))
        if self.end_precision is None:
            setter(self, "end_precision", edtf_write.infer_precision(*self.end_window()))
        if self.edtf is None:
            setter(self, "edtf", edtf_write.to_edtf(self))

    def _check_shape(self, text: str) -> None:
        se, sl, ee, el = self.start_earliest, self.start_latest, self.end_earliest, self.end_latest
        if not self.span:
            if (ee, el) != (se, sl):
                raise InvalidDateError(
                    text, "an instant must have end_earliest/end_latest equal to its start"
                )
            if (se is None) != (self.start_state is not EndState.KNOWN):
                raise InvalidDateError(
                    text, f"start_earliest is {describe(se)} but start_state is {self.start_state}"
                )
            if (sl is None) != (self.end_state is not EndState.KNOWN):
                raise InvalidDateError(
                    text, f"the latest time is {describe(sl)} but end_state is {self.end_state}"
                )
        else:
            for lo, hi, state, end in (
                (se, sl, self.start_state, "start"),
                (ee, el, self.end_state, "end"),
            ):
                known = state is EndState.KNOWN
                if known != (lo is not None) or known != (hi is not None):
                    raise InvalidDateError(
                        text,
                        f"the {end} bounds are {describe(lo)}..{describe(hi)} but {end}_state "
                        f"is {state}: an end is known exactly when both its bounds are given",
                        part=end,
                    )
        for lo, hi, end in ((se, sl, "start"), (ee, el, "end")):
            has_time = isinstance(lo, datetime) or isinstance(hi, datetime)
            # An instant may fall somewhere in a window of times ("tonight": 18:00-23:59).
            if has_time and not (
                isinstance(lo, datetime)
                and isinstance(hi, datetime)
                and (lo == hi or not self.span)
            ):
                raise InvalidDateError(
                    text,
                    f"an end with a time must have equal earliest and latest ({end}: "
                    f"{describe(lo)}..{describe(hi)}); only an instant's window may run between "
                    "two times",
                    part=end,
                )
        for a, b, what in (
            (se, sl, "start_earliest <= start_latest"),
            (ee, el, "end_earliest <= end_latest"),
            (se, ee, "start_earliest <= end_earliest"),
            (sl, el, "start_latest <= end_latest"),
            (se, el, "start_earliest <= end_latest"),
        ):
            if a is not None and b is not None and not le(a, b):
                raise InvalidDateError(
                    text,
                    f"bounds out of order: {what} fails ({a.isoformat()} > {b.isoformat()}); "
                    "does the interval end before it starts?",
                    part=what.split(" ")[0],
                )

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def parse(
        cls,
        value: When | date | str,
        reference: date | str | None = None,
        *,
        conventions: Conventions | None = None,
        direction: Direction = "nearest",
    ) -> When:
        """Read ``value``: a :class:`When`, a ``date``, an aware ``datetime`` or text.

        Text may be EDTF (levels 0-2), ISO 8601, an absolute date in words ("Feb. 26, 2026")
        or a relative phrase ("later this spring") resolved against ``reference`` (a date, an
        aware datetime, or text naming one day such as ``"2026-02-26"``).

        ``direction`` says which occurrence of a month, day, weekday, season, holiday, quarter
        or half named without a year is meant: ``"nearest"`` the reference (the default),
        ``"forward"`` the next one (an expected, planned or scheduled event: "in December"
        said in February is the coming December) or ``"backward"`` the last one (a report).

        >>> from timeline import When
        >>> visit = When.parse("later this spring", reference="2026-02-26")
        >>> visit
        When('2026-21', phrase='later this spring')
        >>> visit.start_earliest, visit.end_latest
        (datetime.date(2026, 3, 1), datetime.date(2026, 5, 31))
        >>> visit.relation(When.parse("2026-02-19/2026-02-26"), "after")
        <Certainty.CERTAIN: 'certain'>

        :raises InvalidDateError: naming the input and the part that could not be read.
        """
        from timeline.when.parsing import parse_value

        return parse_value(value, reference, conventions, direction)

    @classmethod
    def on(cls, value: date) -> When:
        """An instant on a date, or at the moment of an aware datetime."""
        from timeline.when.parsing import parse_value

        if not isinstance(value, date):
            raise InvalidDateError(value, "When.on() takes a date or an aware datetime")
        return parse_value(value, None, None)

    @classmethod
    def between(
        cls,
        start: When | date | str | None,
        end: When | date | str | None,
        *,
        conventions: Conventions | None = None,
        reference: date | None = None,
    ) -> When:
        """A span from ``start`` to ``end``; each may be fuzzy ("2026-03"); ``None`` is open.

        ``reference`` is the day the value was said (normally the source's publication date):
        with an open end it says the thing was still going then (see :attr:`ongoing_until`).
        """
        from timeline.when.parsing import parse_value

        ends = []
        for value in (start, end):
            if value is None:
                ends.append(Endpoint(None, None, Precision.UNKNOWN, state=EndState.OPEN))
                continue
            point = parse_value(value, None, conventions)
            if point.span:
                raise InvalidDateError(
                    value, "each end of a span must be a single date, not a span"
                )
            ends.append(point.start_endpoint())
        return cls.build(ends[0], ends[1], span=True, reference=reference)

    @classmethod
    def build(
        cls,
        start: Endpoint,
        end: Endpoint | None = None,
        *,
        span: bool | None = None,
        edtf: str | None = None,
        phrase: str | None = None,
        reference: date | None = None,
        text: object = None,
    ) -> When:
        """Assemble a value from endpoints, clipping a span's inner bounds to be ordered.

        With ``end=None`` the value is an instant whose window is ``start``.
        """
        label = text if text is not None else (edtf or phrase or "When")
        if end is None or span is False:
            lower = EndState.KNOWN if start.lo is not None else start.state
            upper = EndState.KNOWN if start.hi is not None else start.state
            if start.lo is not None and start.hi is not None and not le(start.lo, start.hi):
                raise InvalidDateError(label, "the window ends before it starts")
            return cls(
                start.lo, start.hi, start.lo, start.hi, False, lower, upper,
                start.precision, start.precision, start.approximate, start.uncertain,
                start.approximate, start.uncertain, edtf, phrase, reference,
            )  # fmt: skip
        se, sl, ee, el = start.lo, start.hi, end.lo, end.hi
        if se is not None and el is not None and not le(se, el):
            raise InvalidDateError(
                label,
                f"the interval ends ({el.isoformat()}) before it starts ({se.isoformat()})",
                part=str(text).split("/")[-1] if text is not None and "/" in str(text) else None,
            )
        if sl is not None and el is not None and not le(sl, el):
            sl = civil(el) if not isinstance(sl, datetime) else el
        if ee is not None and se is not None and not le(se, ee):
            ee = civil(se) if not isinstance(ee, datetime) else se
        return cls(
            se, sl, ee, el, True, start.state, end.state, start.precision, end.precision,
            start.approximate, start.uncertain, end.approximate, end.uncertain,
            edtf, phrase, reference,
        )  # fmt: skip

    def with_text(self, phrase: str | None, reference: date | None) -> When:
        """This value with ``phrase`` and ``reference`` recorded (they do not affect equality)."""
        result = copy.copy(self)  # no re-validation: these fields do not affect the value
        object.__setattr__(result, "phrase", phrase)
        object.__setattr__(result, "reference", reference)
        return result

    # -- views --------------------------------------------------------------------------------

    @property
    def is_instant(self) -> bool:
        """True when the value happened at one moment somewhere in its window."""
        return not self.span

    @property
    def is_span(self) -> bool:
        """True when the value lasted from its start to its end."""
        return self.span

    @property
    def start(self) -> tuple[date | None, date | None]:
        """``(start_earliest, start_latest)``."""
        return self.start_earliest, self.start_latest

    @property
    def end(self) -> tuple[date | None, date | None]:
        """``(end_earliest, end_latest)``."""
        return self.end_earliest, self.end_latest

    def start_window(self) -> tuple[date | None, date | None]:
        """The start's window (for an instant: the whole window)."""
        return self.start_earliest, self.start_latest

    def end_window(self) -> tuple[date | None, date | None]:
        """The end's window (for an instant: the whole window)."""
        return self.end_earliest, self.end_latest

    @property
    def ongoing_until(self) -> date | None:
        """For a span with an open end ("still going", EDTF ``..``): the earliest its end can be.

        The value says the thing had not ended on the day it was said: its ``reference`` (the
        publication date of the source). Without one, or with one before the earliest start (a
        claim made ahead of time), it lasted at least to its latest start. ``None`` for every
        other value: an unknown end (EDTF ``2020/``) may have come right after the start, and an
        instant's open side ("April or later") is no claim that anything is still going.
        """
        if not self.span or self.end_state is not EndState.OPEN:
            return None
        earliest, said = self.start_earliest, self.reference
        if said is None or (earliest is not None and not le(earliest, said)):
            return self.start_latest
        return said

    def start_endpoint(self) -> Endpoint:
        """The start as an :class:`Endpoint` (for an instant, the whole window)."""
        state = self.start_state if self.start_earliest is None else EndState.KNOWN
        return Endpoint(
            self.start_earliest, self.start_latest, self.start_precision,
            self.start_approximate, self.start_uncertain, state,
        )  # fmt: skip

    def end_endpoint(self) -> Endpoint:
        """The end as an :class:`Endpoint` (for an instant, the whole window)."""
        state = self.end_state if self.end_latest is None else EndState.KNOWN
        return Endpoint(
            self.end_earliest, self.end_latest, self.end_precision,
            self.end_approximate, self.end_uncertain, state,
        )  # fmt: skip

    @property
    def notation(self) -> str | None:
        """The text :meth:`parse` reads back to this value: :attr:`edtf`, with each time's
        zone named (``2026-02-26T10:00:00+09:00[Asia/Seoul]``, RFC 9557), or for an instant
        in a window of times, which EDTF cannot say, the set of the two times
        (``[2026-02-26T18:00:00+09:00..2026-02-26T23:59:59+09:00]``). ``None`` when neither
        says the value. Exports write it in their date cell.
        """
        from timeline.when.notation import notation

        return notation(self)

    def as_dict(self) -> dict[str, Any]:
        """The fields by name, so that ``When(**w.as_dict()) == w``."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def hull(self, conventions: Conventions | None = None) -> tuple[date | None, date | None]:
        """The search hull as civil dates: earliest start and latest end, padded when approximate.

        Strict bounds are never narrowed; an approximate end is widened by
        :meth:`Conventions.pad` for its precision. ``None`` stands for an open or unknown side.
        """
        from timeline.when.display import hull

        return hull(self, conventions)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """A total, stable ordering key: by earliest start, then latest start, end…"""
        from timeline.when.display import sort_key

        return sort_key(self)

    def relation(self, other: When, name: str | Iterable[str]) -> Certainty:
        """Whether Allen's relation ``name`` holds between this value and ``other``.

        ``name`` may also be several names, for their disjunction (e.g. "during or starts").
        CERTAIN if it holds for every reading of the two values, IMPOSSIBLE for none,
        POSSIBLE otherwise.

        :raises ValueError: for an unknown relation name.
        """
        from timeline.when.allen import relation

        return relation(self, other, name)

    def relations(self, other: When) -> dict[str, Certainty]:
        """The certainty of each of Allen's 13 relations between this value and ``other``."""
        from timeline.when.allen import relations

        return relations(self, other)

    def display(self) -> str:
        """Human text: "26 Feb 2026", "19-26 Feb 2026", "spring 2026", "c. 1898"…"""
        from timeline.when.display import display

        return display(self)

    def __str__(self) -> str:
        return self.display()

    def _repr_html_(self) -> str:
        """The display text, EDTF and strict bounds, for notebooks."""
        from timeline.notebook import when_html

        return when_html(self)

    def __repr__(self) -> str:
        parts = []
        if self.edtf is not None:
            parts.append(repr(self.edtf))
        else:
            parts.append(f"start={describe(self.start_earliest)}..{describe(self.start_latest)}")
            if self.span:
                parts.append(f"end={describe(self.end_earliest)}..{describe(self.end_latest)}")
        if self.phrase is not None:
            parts.append(f"phrase={self.phrase!r}")
        return f"When({', '.join(parts)})"
