"""The compact maps a restore keeps for every row it writes (``timeline.write.idmap``)."""

from __future__ import annotations

from timeline.write.idmap import GAP, IdMap, StateMap


def test_an_id_map_finds_every_id_as_a_dict_would() -> None:
    ids = IdMap()
    wanted: dict[object, int] = {}
    keys: list[object] = [
        *range(5, 50),  # dense: the array
        3,  # below the first
        50 + GAP * 3,  # far past the end
        -7,
        "e1",
        (1, 2),
        2**70,
    ]
    for number, key in enumerate(keys, 1):
        ids[key] = number
        wanted[key] = number
    ids[7] = 999  # set again
    wanted[7] = 999
    ids[60] = -4  # not a positive value: kept aside
    wanted[60] = -4
    for key, value in wanted.items():
        assert ids.get(key) == value
    assert ids.get(4) is None and ids.get(51) is None and ids.get("e2") is None
    assert ids.get(6.0) == wanted[6] and ids.get(True) is None and ids.get(6.5) is None


def test_an_id_map_moves_an_id_into_its_array_without_keeping_the_old_entry() -> None:
    ids = IdMap()
    ids[1] = 10
    ids[1 + GAP * 2] = 20  # too far: a dict entry
    for key in range(2, 1 + GAP * 2):
        ids[key] = 30  # the array grows to cover it
    ids[1 + GAP * 2] = 40
    assert ids.pop(1 + GAP * 2) == 40
    assert ids.get(1 + GAP * 2) is None
    assert ids.pop(1) == 10 and ids.get(1) is None and ids.pop(1) is None
    ids.clear()
    assert ids.get(2) is None


def test_a_state_map_keeps_each_value_once_and_at_most_its_limit() -> None:
    states = StateMap(limit=2)
    states[1] = ("occurred", ("2026-01-01",))
    states[2] = ("occurred", ("2026-01-01",))
    states[3] = ("planned", ())
    states[4] = ("cancelled", ())  # a third distinct value: not kept
    states[1] = ("cancelled", ())  # nor for an id that had one
    assert states.pop(2) == ("occurred", ("2026-01-01",))
    assert states.pop(2) is None and states.pop(4) is None and states.pop(1) is None
    assert states.pop(3) == ("planned", ())
    states.clear()
    states[5] = ("cancelled", ())
    assert states.pop(5) == ("cancelled", ())


def test_an_id_map_grows_its_array_by_one_slot_an_id() -> None:
    ids = IdMap()
    for key in range(1, 10_001, 2):  # every other id: the slots between stay empty
        ids[key] = key
    assert ids._values.buffer_info()[1] == 9_999 and not ids._others
