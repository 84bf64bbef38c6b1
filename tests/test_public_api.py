"""The public surface: sorted ``__all__``, every name importable and documented."""

from __future__ import annotations

import inspect

import timeline


def test_all_is_sorted_and_importable() -> None:
    assert timeline.__all__ == sorted(timeline.__all__)
    for name in timeline.__all__:
        assert hasattr(timeline, name), name


def test_public_classes_and_their_methods_have_docstrings() -> None:
    for name in timeline.__all__:
        value = getattr(timeline, name)
        if not inspect.isclass(value):
            continue
        assert value.__doc__, name
        for attribute, member in vars(value).items():
            if attribute.startswith("_") or not callable(member):
                continue
            assert member.__doc__, f"{name}.{attribute}"


def test_errors_refine_the_builtins() -> None:
    assert issubclass(timeline.InvalidDateError, ValueError)
    assert issubclass(timeline.InvalidEventError, ValueError)
    assert issubclass(timeline.EventNotFoundError, LookupError)
    for name in timeline.__all__:
        value = getattr(timeline, name)
        if inspect.isclass(value) and name.endswith("Error"):
            assert issubclass(value, timeline.TimelineError), name


def test_status_compares_equal_to_its_string() -> None:
    assert timeline.Status.EXPECTED == "expected"
    assert str(timeline.Status.EXPECTED) == "expected"
