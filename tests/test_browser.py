"""The HTML export in a real browser: headless Chromium, network off, hostile titles.

Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped when it is missing, unless
``TIMELINE_REQUIRE_BROWSER=1``. A screenshot of the seed story is left in
``build/test-artifacts/``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from _seed import artifact, record_seed_story

from timeline import Event, Timeline, When
from timeline.html import render
from timeline.models import WhenColumns
from timeline.picture_data import Mark

REQUIRED = os.environ.get("TIMELINE_REQUIRE_BROWSER") == "1"
if not REQUIRED:
    pytest.importorskip("websocket")

from cdp import Browser, chromium_path  # noqa: E402

pytestmark = pytest.mark.slow
if chromium_path() is None:
    if REQUIRED:
        raise RuntimeError("chromium is required (TIMELINE_REQUIRE_BROWSER=1)")
    pytest.skip("chromium is not installed", allow_module_level=True)

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        chromium.call(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        yield chromium


@pytest.fixture
def fresh(browser: Browser) -> Browser:
    browser.requests.clear()
    browser.console.clear()
    browser.exceptions.clear()
    browser.dialogs.clear()
    return browser


@pytest.fixture
def seed_page(tl: Timeline, tmp_path: Path) -> Path:
    record_seed_story(tl)
    tl.add_entity(HOSTILE, kind="organization")
    source = tl.add_source(
        f"{HOSTILE} report", publisher=HOSTILE, published="2026-03-01", url="javascript:alert(4)"
    )
    tl.add_event(
        HOSTILE,
        when="2026-03-05",
        kind="test.hostile",
        summary="</script><script>alert(2)</script>",
        actors={HOSTILE: "actor"},
        source=source,
        quote="<svg onload=alert(3)>",
    )
    return tl.events().order_by_time().to_html(tmp_path / "story.html", title=HOSTILE)


def _wheel(browser: Browser, delta: float) -> tuple[float, float]:
    """Turn the wheel over the chart; return the view once the page has redrawn it."""
    before = _view(browser)
    top = browser.js("document.getElementById('tl-chart').getBoundingClientRect().top")
    browser.wheel(700, float(top) + 45, delta)  # over the first lane, whatever the height
    for _ in range(100):
        if _view(browser) != before:
            break
        time.sleep(0.02)
    return _view(browser)


def _items(browser: Browser) -> int:
    return int(browser.js("document.querySelectorAll('#tl-chart .tl-item').length"))


def _view(browser: Browser) -> tuple[float, float]:
    start, end = browser.js(
        "[+document.getElementById('tl-chart').dataset.viewStart,"
        " +document.getElementById('tl-chart').dataset.viewEnd]"
    )
    return float(start), float(end)


def test_seed_story_renders_zooms_and_stays_offline(
    fresh: Browser, seed_page: Path, tl: Timeline, backend: str
) -> None:
    fresh.open(seed_page.as_uri())
    assert fresh.js("document.body.dataset.ready") == "1"
    assert _items(fresh) == tl.events().count()
    lanes = fresh.js("[...document.querySelectorAll('.tl-lane-label')].map(n => n.dataset.lane)")
    assert {"military", "politics", "diplomacy"} <= set(lanes)
    assert fresh.js("document.querySelectorAll('.tl-axis text').length") >= 3
    assert fresh.js("document.querySelectorAll('.tl-uncertain').length") >= 4
    assert fresh.js("document.querySelectorAll('#tl-table tbody tr').length") == _items(fresh)
    fresh.screenshot(artifact(f"seed_story_html_{backend}.png"))

    before = _view(fresh)
    after = _wheel(fresh, -400)  # zoom in around the pointer
    assert after[1] - after[0] < (before[1] - before[0]) * 0.7
    out = _wheel(fresh, 400)
    assert out[1] - out[0] > after[1] - after[0]
    fresh.js("document.getElementById('tl-fit').click()")
    assert _view(fresh) == pytest.approx(before)

    assert fresh.requests == [seed_page.as_uri()]  # the page itself, nothing else
    assert not fresh.exceptions
    assert not [text for level, text in fresh.console if level in ("error", "warning")]


def test_hostile_titles_are_text_and_run_nothing(
    fresh: Browser, seed_page: Path, tl: Timeline
) -> None:
    fresh.open(seed_page.as_uri())
    assert fresh.js("document.title") == HOSTILE
    assert fresh.js("document.getElementById('tl-title').textContent") == HOSTILE
    assert fresh.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert fresh.js("document.querySelectorAll('script').length") == 2
    [hostile] = [e for e in tl.events() if e.title == HOSTILE]
    fresh.js(
        f"document.querySelector('.tl-item[data-id=\"{hostile.id}\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    details = fresh.js("document.getElementById('tl-details').textContent")
    assert HOSTILE in details and "<svg onload=alert(3)>" in details
    assert fresh.js("document.querySelectorAll('#tl-details a').length") == 0  # javascript: URL
    assert fresh.js("document.querySelectorAll('svg svg').length") == 0
    assert fresh.js(
        f"[...document.querySelectorAll('#tl-table td')].some(td => td.textContent === {HOSTILE!r})"
    )
    assert not fresh.dialogs  # no alert() ran
    assert not fresh.exceptions
    assert fresh.requests == [seed_page.as_uri()]


def test_filters_by_kind_and_entity(fresh: Browser, seed_page: Path) -> None:
    fresh.open(seed_page.as_uri())
    everything = _items(fresh)
    fresh.js("document.querySelector('#tl-kinds input[value=\"military\"]').click()")
    assert _items(fresh) == everything - 3
    fresh.js("document.querySelector('#tl-kinds input[value=\"military\"]').click()")
    fresh.js(
        "(() => { const s = document.getElementById('tl-entity'); s.value = 'Donald Trump';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert _items(fresh) == 1
    assert fresh.js("document.querySelectorAll('#tl-table tbody tr').length") == 1
    assert not fresh.exceptions


def _marks(count: int) -> list[Mark]:
    """``count`` events spread over 30 years, without a database (the page is what is tested)."""
    kinds = ["military.parade", "politics.congress", "diplomacy.visit", "economy.trade"]
    phrases = [
        "{y}-{m:02d}-{d:02d}",
        "{y}-{m:02d}",
        "[{y}-{m:02d}-01..{y}-{m:02d}-{d:02d}]",
        "{y}-{m:02d}-{d:02d}/{y}",
        "{y}-{m:02d}/..",
    ]
    marks = []
    for i in range(count):
        y, m, d = 1995 + i % 30, 1 + i % 12, 1 + i % 28
        when = When.parse(phrases[i % len(phrases)].format(y=y, m=m, d=d))
        event = Event(
            id=i + 1,
            title=f"Event {i} <b>{i}</b>",
            kind=kinds[i % 4],
            status="expected" if i % 7 == 0 else "occurred",
            **WhenColumns.when_columns(when),
        )
        lo = when.start_earliest
        marks.append(
            Mark(
                i + 1,
                event.title,
                event.kind,
                str(event.status),
                when.span,
                _num(lo),
                _num(when.start_latest),
                _num(when.end_earliest, 1),
                _num(when.end_latest, 1),
                str(when.start_state),
                str(when.end_state),
                event,
            )
        )
    return marks


def _num(value: date | None, plus: int = 0) -> float | None:
    return None if value is None else float(value.toordinal() + plus)


def test_ten_thousand_events_stay_responsive(fresh: Browser, tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text(render(_marks(10_000), title="10,000 events"), encoding="utf-8")
    fresh.open(page.as_uri())
    assert fresh.js("document.body.dataset.ready") == "1"
    chart = "document.getElementById('tl-chart')"
    assert fresh.js(f"{chart}.dataset.mode") == "counts"  # aggregated, not 10,000 shapes
    assert fresh.js(f"{chart}.querySelectorAll('*').length") < 20_000
    for _ in range(12):  # zoom in until the events can be drawn one by one
        _wheel(fresh, -300)
        if fresh.js(f"{chart}.dataset.mode") == "items":
            break
    assert fresh.js(f"{chart}.dataset.mode") == "items"
    assert 0 < _items(fresh) <= 1500
    assert fresh.js("document.querySelectorAll('#tl-table tbody tr').length") == 500
    fresh.js("document.getElementById('tl-more').click()")
    assert fresh.js("document.querySelectorAll('#tl-table tbody tr').length") == 1000
    assert not fresh.exceptions
    assert fresh.requests == [page.as_uri()]
    fresh.screenshot(artifact("ten_thousand_html.png"))
