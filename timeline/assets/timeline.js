/* timeline: a small, dependency-free, offline timeline renderer (SVG).
 *
 * Reads the events from <script id="timeline-data" type="application/json"> and draws lanes,
 * an adaptive time axis, uncertain ends as gradients, open ends as arrows, a details panel and
 * an accessible table. Every text from the data is set with textContent or as an attribute:
 * nothing from the data is ever parsed as HTML. The page makes no network request.
 *
 * Times are "epoch days": days since 1970-01-01 UTC, as floats.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f"];
  var HOLLOW = { expected: 1, planned: 1, scheduled: 1, rumored: 1, postponed: 1 };
  var STRUCK = { cancelled: 1, denied: 1 };
  var MAX_ITEMS = 1500;   /* more events than this in view: draw counts, not items */
  var MAX_LANES = 20;
  var ROW = 22, AXIS = 30, LABEL_W = 150, PAD_R = 16, TABLE_PAGE = 500;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var events = data.events;
  var byId = {};
  var groups = [];
  var entities = [];
  (function index() {
    var g = {}, e = {};
    events.forEach(function (ev) {
      byId[ev.id] = ev;
      g[ev.g] = (g[ev.g] || 0) + 1;
      ev.e.forEach(function (pair) { e[pair[0]] = (e[pair[0]] || 0) + 1; });
      var known = ev.b.filter(function (v) { return v !== null; });
      ev.lo = known.length ? Math.min.apply(null, known) : null;
      ev.hi = known.length ? Math.max.apply(null, known) : null;
    });
    groups = Object.keys(g).sort();
    groups.counts = g;
    entities = Object.keys(e).sort();
  })();
  var colourOf = {};
  groups.forEach(function (name, i) { colourOf[name] = PALETTE[i % PALETTE.length]; });

  var state = { lanes: data.lanes || "kind", hidden: {}, entity: "", view: null, selected: null,
    tableRows: TABLE_PAGE };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  /* -- filters and lanes ------------------------------------------------------------------ */

  function visibleEvents() {
    return events.filter(function (ev) {
      if (state.hidden[ev.g]) { return false; }
      if (state.entity) {
        return ev.e.some(function (pair) { return pair[0] === state.entity; });
      }
      return true;
    });
  }

  function laneKeys(ev) {
    if (state.lanes === "kind") { return [ev.g]; }
    if (state.lanes === "entity") {
      var names = {};
      ev.e.forEach(function (pair) { names[pair[0]] = 1; });
      var keys = Object.keys(names).sort();
      return keys.length ? keys : ["(no entity)"];
    }
    return ["events"];
  }

  function lanesOf(list) {
    var map = {}, order = [];
    list.forEach(function (ev) {
      laneKeys(ev).forEach(function (key) {
        if (!map[key]) { map[key] = []; order.push(key); }
        map[key].push(ev);
      });
    });
    order.sort(function (a, b) {
      var na = a === "(no entity)", nb = b === "(no entity)";
      if (na !== nb) { return na ? 1 : -1; }
      return map[b].length - map[a].length || (a < b ? -1 : a > b ? 1 : 0);
    });
    if (order.length > MAX_LANES) {
      var seen = {}, other = [];
      order.slice(MAX_LANES - 1).forEach(function (key) {
        map[key].forEach(function (ev) { if (!seen[ev.id]) { seen[ev.id] = 1; other.push(ev); } });
      });
      order = order.slice(0, MAX_LANES - 1);
      order.push("(other)");
      map["(other)"] = other;
    }
    return order.map(function (key) { return { name: key, events: map[key] }; });
  }

  function fullExtent(list) {
    var lo = Infinity, hi = -Infinity;
    list.forEach(function (ev) {
      if (ev.lo !== null && ev.lo < lo) { lo = ev.lo; }
      if (ev.hi !== null && ev.hi > hi) { hi = ev.hi; }
    });
    if (lo === Infinity) { lo = 0; hi = 30; }
    var pad = Math.max((hi - lo) * 0.04, 1);
    return [lo - pad, hi + pad];
  }

  /* -- time axis --------------------------------------------------------------------------- */

  var STEPS = [[1 / 24, "h"], [1 / 4, "h"], [1, "d"], [2, "d"], [7, "d"], [14, "d"],
    [30.44, "m", 1], [91.31, "m", 3], [182.6, "m", 6], [365.25, "y", 1], [730.5, "y", 2],
    [1826, "y", 5], [3652, "y", 10], [7305, "y", 20], [18262, "y", 50], [36525, "y", 100],
    [73050, "y", 200], [182625, "y", 500], [365250, "y", 1000]];

  function dateOf(days) { return new Date(days * DAY_MS); }
  function daysOf(date) { return date.getTime() / DAY_MS; }
  function utc(year, month, day) {
    year += Math.floor(month / 12);
    month = ((month % 12) + 12) % 12;
    var d = new Date(Date.UTC(2000, month, day));
    d.setUTCFullYear(year);
    return d;
  }

  function ticks(v0, v1, width) {
    var perDay = width / (v1 - v0);
    var step = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i][0] * perDay >= 90) { step = STEPS[i]; break; }
    }
    var out = [], d, guard = 0;
    var start = dateOf(v0);
    if (step[1] === "h" || step[1] === "d") {
      var t = Math.floor(v0 / step[0]) * step[0];
      for (; t <= v1 && guard < 400; t += step[0], guard++) {
        if (t >= v0) { out.push([t, label(dateOf(t), step[1])]); }
      }
    } else if (step[1] === "m") {
      d = utc(start.getUTCFullYear(), Math.floor(start.getUTCMonth() / step[2]) * step[2], 1);
      for (; daysOf(d) <= v1 && guard < 400; guard++) {
        if (daysOf(d) >= v0) { out.push([daysOf(d), label(d, "m")]); }
        d = utc(d.getUTCFullYear(), d.getUTCMonth() + step[2], 1);
      }
    } else {
      var year = Math.floor(start.getUTCFullYear() / step[2]) * step[2];
      for (; guard < 400; year += step[2], guard++) {
        d = utc(year, 0, 1);
        if (daysOf(d) > v1) { break; }
        if (daysOf(d) >= v0) { out.push([daysOf(d), String(year)]); }
      }
    }
    return out;
  }

  function label(d, unit) {
    var day = d.getUTCDate() + " " + MONTHS[d.getUTCMonth()];
    if (unit === "h") {
      var hh = ("0" + d.getUTCHours()).slice(-2), mm = ("0" + d.getUTCMinutes()).slice(-2);
      return day + " " + hh + ":" + mm;
    }
    if (unit === "d") { return day + " " + d.getUTCFullYear(); }
    return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  /* -- drawing ----------------------------------------------------------------------------- */

  var chart = $("tl-chart");
  var defsReady = false;

  function defs() {
    var node = svg("defs");
    groups.forEach(function (name, i) {
      var colour = colourOf[name];
      [["in", 0.05, 0.75], ["out", 0.75, 0.05]].forEach(function (spec) {
        var grad = svg("linearGradient", { id: "tl-fade-" + spec[0] + "-" + i });
        grad.appendChild(svg("stop", { offset: "0", "stop-color": colour, "stop-opacity": spec[1] }));
        grad.appendChild(svg("stop", { offset: "1", "stop-color": colour, "stop-opacity": spec[2] }));
        node.appendChild(grad);
      });
      var hatch = svg("pattern", { id: "tl-hatch-" + i, width: "6", height: "6",
        patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      hatch.appendChild(svg("rect", { width: "6", height: "6", fill: colour, "fill-opacity": "0.15" }));
      hatch.appendChild(svg("line", { x1: "0", y1: "0", x2: "0", y2: "6", stroke: colour,
        "stroke-width": "2", "stroke-opacity": "0.6" }));
      node.appendChild(hatch);
    });
    return node;
  }

  function render() {
    var list = visibleEvents();
    if (!state.view) { state.view = fullExtent(list); }
    var v0 = state.view[0], v1 = state.view[1];
    var width = Math.max(chart.parentNode.clientWidth || 900, 400);
    var plotW = width - LABEL_W - PAD_R;
    function x(t) { return LABEL_W + (t - v0) / (v1 - v0) * plotW; }
    function clampX(px) { return Math.max(LABEL_W - 12, Math.min(width - PAD_R + 12, px)); }

    clear(chart);
    chart.appendChild(defs());
    var lanes = lanesOf(list);
    var inView = 0;
    lanes.forEach(function (lane) {
      lane.shown = lane.events.filter(function (ev) {
        var lo = ev.lo === null ? -Infinity : ev.lo, hi = ev.hi === null ? Infinity : ev.hi;
        if (ev.b[0] === null && ev.ss === "open") { lo = -Infinity; }
        if (ev.b[3] === null && ev.es === "open") { hi = Infinity; }
        return hi >= v0 && lo <= v1;
      });
      inView += lane.shown.length;
    });
    var dense = inView > MAX_ITEMS;
    chart.setAttribute("data-mode", dense ? "counts" : "items");
    chart.setAttribute("data-view-start", v0.toFixed(4));
    chart.setAttribute("data-view-end", v1.toFixed(4));
    chart.setAttribute("data-in-view", String(inView));

    var body = svg("g", { "class": "tl-body" });
    var y = AXIS;
    lanes.forEach(function (lane, li) {
      var height = dense ? drawCounts(body, lane, y, x, v0, v1, plotW)
        : drawItems(body, lane, y, x, clampX, width);
      if (li % 2 === 0) {
        body.insertBefore(svg("rect", { x: "0", y: String(y), width: String(width),
          height: String(height), fill: "#f4f4f4" }), body.firstChild);
      }
      var name = svg("text", { x: "8", y: String(y + Math.min(height / 2, 14) + 4),
        "class": "tl-lane-label", "data-lane": lane.name }, lane.name);
      name.appendChild(svg("title", null, lane.name + ": " + lane.events.length + " events"));
      body.appendChild(name);
      y += height;
      body.appendChild(svg("line", { x1: "0", x2: String(width), y1: String(y), y2: String(y),
        stroke: "#d0d0d0" }));
    });
    if (!lanes.length) {
      body.appendChild(svg("text", { x: String(LABEL_W), y: String(AXIS + 20), "class": "tl-note" },
        "No events match the filters."));
      y += 40;
    }
    var axis = svg("g", { "class": "tl-axis" });
    ticks(v0, v1, plotW).forEach(function (tick) {
      var px = x(tick[0]).toFixed(1);
      axis.appendChild(svg("line", { x1: px, x2: px, y1: String(AXIS - 6), y2: String(y),
        "class": "tl-grid" }));
      axis.appendChild(svg("text", { x: px, y: String(AXIS - 10), "text-anchor": "middle" }, tick[1]));
    });
    if (data.reported !== null && data.reported !== undefined) {
      var rx = x(data.reported + 0.5);
      if (rx >= LABEL_W && rx <= width - PAD_R) {
        axis.appendChild(svg("line", { x1: rx.toFixed(1), x2: rx.toFixed(1), y1: String(AXIS - 4),
          y2: String(y), stroke: "#333", "stroke-dasharray": "4 3" }));
      }
    }
    chart.appendChild(axis);
    chart.appendChild(body);
    if (dense) {
      chart.appendChild(svg("text", { x: String(width - PAD_R), y: "12", "text-anchor": "end",
        "class": "tl-note" }, inView.toLocaleString("en") + " events in view: counts shown; zoom in to see each event"));
    }
    chart.setAttribute("width", String(width));
    chart.setAttribute("height", String(y + 8));
    chart.setAttribute("viewBox", "0 0 " + width + " " + (y + 8));
  }

  function drawItems(parent, lane, top, x, clampX, width) {
    var shown = lane.shown.slice().sort(function (a, b) {
      return (a.lo === null ? -Infinity : a.lo) - (b.lo === null ? -Infinity : b.lo) || a.id - b.id;
    });
    var rowEnds = [];
    var placed = shown.map(function (ev) {
      var geo = geometry(ev, x, clampX);
      var text = ev.t.length > 60 ? ev.t.slice(0, 59) + "\u2026" : ev.t;
      var room = Math.min(text.length * 6.2 + 12, 380);
      var right = geo.x1 + room;
      var row = 0;
      while (row < rowEnds.length && rowEnds[row] > geo.x0 - 4) { row++; }
      rowEnds[row] = right;
      return { ev: ev, geo: geo, row: row, text: text };
    });
    placed.forEach(function (p) { drawEvent(parent, p, top + p.row * ROW + ROW / 2, width); });
    return Math.max(rowEnds.length, 1) * ROW + 4;
  }

  function geometry(ev, x, clampX) {
    var b = ev.b, tail = 24;
    var s0 = b[0] === null ? null : clampX(x(b[0])), s1 = b[1] === null ? null : clampX(x(b[1]));
    var e0 = b[2] === null ? null : clampX(x(b[2])), e1 = b[3] === null ? null : clampX(x(b[3]));
    var firstKnown = ev.lo === null ? null : clampX(x(ev.lo));
    var lastKnown = ev.hi === null ? null : clampX(x(ev.hi));
    if (s0 === null) {
      if (ev.ss === "open") { s0 = s1 = clampX(-1e9); } else { s1 = firstKnown; s0 = s1 - tail; }
    }
    if (e1 === null) {
      if (ev.es === "open") { e0 = e1 = clampX(1e9); } else { e0 = lastKnown; e1 = e0 + tail; }
    }
    if (!ev.sp) { s1 = s0; e0 = e1; }
    return { s0: s0, s1: s1, e0: e0, e1: e1, x0: Math.min(s0, e1), x1: Math.max(s0, e1) };
  }

  function drawEvent(parent, p, cy, width) {
    var ev = p.ev, geo = p.geo, ci = groups.indexOf(ev.g), colour = colourOf[ev.g];
    var hollow = !!HOLLOW[ev.s], struck = !!STRUCK[ev.s], h = 12;
    var g = svg("g", { "class": "tl-item" + (struck ? " tl-struck" : "") + (state.selected === ev.id ? " tl-selected" : ""),
      "data-id": String(ev.id), tabindex: "0", role: "button",
      "aria-label": ev.t + ", " + ev.w + ", " + ev.s });
    if (struck) { g.setAttribute("opacity", "0.55"); }
    g.appendChild(svg("title", null, ev.t + "\n" + ev.w + " \u00b7 " + ev.s));
    function band(a, b, fill, cls) {
      if (b - a < 0.5) { return; }
      var rect = svg("rect", { x: a.toFixed(1), y: (cy - h / 2).toFixed(1), width: (b - a).toFixed(1),
        height: String(h), fill: fill, "class": cls });
      if (hollow) {  /* expected, planned...: a dashed outline, even where all is uncertain */
        rect.setAttribute("stroke", colour);
        rect.setAttribute("stroke-dasharray", "3 2");
      }
      g.appendChild(rect);
    }
    if (ev.sp) {
      band(geo.s0, geo.s1, "url(#tl-fade-in-" + ci + ")", "tl-uncertain tl-uncertain-start");
      band(geo.e0, geo.e1, "url(#tl-fade-out-" + ci + ")", "tl-uncertain tl-uncertain-end");
      if (geo.e0 - geo.s1 >= 0.5) {
        g.appendChild(svg("rect", { x: geo.s1.toFixed(1), y: (cy - h / 2).toFixed(1),
          width: (geo.e0 - geo.s1).toFixed(1), height: String(h), fill: hollow ? "#fff" : colour,
          stroke: colour, "stroke-width": "1.5", "class": "tl-core",
          "stroke-dasharray": ev.s === "postponed" ? "4 2" : "none" }));
      }
    } else if (ev.b[0] === null || ev.b[3] === null ||
               (Math.abs(ev.b[3] - ev.b[0] - 1) > 1e-4 && ev.b[3] - ev.b[0] > 1e-4)) {
      /* one day somewhere in a window: the window, framed, and no dot to read as a best guess */
      var mid = (geo.s0 + geo.e1) / 2, half = Math.max((geo.e1 - geo.s0) / 2, 2);
      g.appendChild(svg("rect", { x: (mid - half).toFixed(1), y: (cy - h / 2).toFixed(1),
        width: (2 * half).toFixed(1), height: String(h), fill: "url(#tl-hatch-" + ci + ")",
        stroke: colour, "stroke-width": "1.5", "stroke-dasharray": hollow ? "3 2" : "none",
        "class": "tl-uncertain tl-uncertain-instant" }));
    } else {
      g.appendChild(svg("circle", { cx: ((geo.s0 + geo.e1) / 2).toFixed(1), cy: String(cy), r: "5",
        fill: hollow ? "#fff" : colour, stroke: colour, "stroke-width": "2", "class": "tl-instant" }));
    }
    [[ev.ss, geo.x0, -1], [ev.es, geo.x1, 1]].forEach(function (end) {
      if (end[0] === "open") {
        var tip = end[1] + end[2] * 8;
        g.appendChild(svg("path", { d: "M" + end[1].toFixed(1) + " " + (cy - 6) + " L" + tip.toFixed(1) + " " + cy +
          " L" + end[1].toFixed(1) + " " + (cy + 6) + " Z", fill: colour, "class": "tl-open-end" }));
      } else if (end[0] === "unknown") {
        g.appendChild(svg("text", { x: (end[1] + end[2] * 6).toFixed(1), y: String(cy + 4),
          "text-anchor": end[2] < 0 ? "end" : "start", fill: colour, "font-weight": "bold",
          "font-size": "12", "class": "tl-unknown-end" }, "?"));
      }
    });
    if (struck) {
      g.appendChild(svg("line", { x1: geo.x0.toFixed(1), x2: geo.x1.toFixed(1), y1: String(cy),
        y2: String(cy), stroke: "#000", "stroke-width": "1.5", "class": "tl-strike" }));
    }
    var lx = geo.x1 + (ev.es === "unknown" ? 16 : 8);
    var anchor = "start";
    if (lx + p.text.length * 6.2 > width - PAD_R && geo.x0 - p.text.length * 6.2 > LABEL_W) {
      lx = geo.x0 - 8; anchor = "end";
    } else if (lx > width - PAD_R - 30) {
      lx = Math.max(geo.x0, LABEL_W) + 6;
    }
    g.appendChild(svg("text", { x: lx.toFixed(1), y: String(cy + 4), "text-anchor": anchor,
      "class": "tl-label" }, p.text));
    parent.appendChild(g);
  }

  function drawCounts(parent, lane, top, x, v0, v1, plotW) {
    var bins = Math.max(Math.floor(plotW / 4), 1), counts = new Array(bins).fill(0);
    var fuzzy = new Array(bins).fill(0), width = (v1 - v0) / bins, peak = 1;
    lane.shown.forEach(function (ev) {
      var lo = ev.lo === null ? ev.hi : ev.lo, hi = ev.hi === null ? ev.lo : ev.hi;
      var i = Math.floor(((lo + hi) / 2 - v0) / width);
      if (i < 0 || i >= bins) { return; }
      if (hi - lo > width) { fuzzy[i]++; } else { counts[i]++; }
      peak = Math.max(peak, counts[i] + fuzzy[i]);
    });
    var height = 56, colour = lane.events.length && groups.length ? colourOf[lane.events[0].g] : "#555";
    var g = svg("g", { "class": "tl-counts", "data-lane": lane.name });
    for (var i = 0; i < bins; i++) {
      var px = LABEL_W + i * plotW / bins, solid = counts[i] / peak * (height - 10);
      var soft = fuzzy[i] / peak * (height - 10), base = top + height - 2;
      if (solid > 0) {
        g.appendChild(svg("rect", { x: px.toFixed(1), y: (base - solid).toFixed(1), width: "3.5",
          height: solid.toFixed(1), fill: colour }));
      }
      if (soft > 0) {
        g.appendChild(svg("rect", { x: px.toFixed(1), y: (base - solid - soft).toFixed(1), width: "3.5",
          height: soft.toFixed(1), fill: colour, "fill-opacity": "0.3" }));
      }
    }
    g.appendChild(svg("text", { x: String(LABEL_W + plotW), y: String(top + 11), "text-anchor": "end",
      "class": "tl-note" }, lane.shown.length.toLocaleString("en") + " in view, up to " + peak + " per bar"));
    parent.appendChild(g);
    return height;
  }

  /* -- details and table ------------------------------------------------------------------- */

  function showDetails(id) {
    var ev = byId[id], panel = $("tl-details");
    if (!ev) { return; }
    state.selected = id;
    clear(panel);
    panel.appendChild(el("h2", null, ev.t));
    var dl = el("dl");
    function row(term, value) {
      if (value === null || value === undefined || value === "") { return; }
      dl.appendChild(el("dt", null, term));
      dl.appendChild(el("dd", null, value));
    }
    row("When", ev.w);
    row("Status", ev.s);
    row("Kind", ev.k);
    row("Place", ev.p);
    row("Summary", ev.sum);
    panel.appendChild(dl);
    if (ev.e.length) {
      panel.appendChild(el("h3", null, "Who"));
      var who = el("ul");
      ev.e.forEach(function (pair) { who.appendChild(el("li", null, pair[0] + " \u2014 " + pair[1])); });
      panel.appendChild(who);
    }
    panel.appendChild(el("h3", null, "Sources"));
    if (!ev.c.length) { panel.appendChild(el("p", { "class": "tl-empty" }, "No source recorded.")); }
    var list = el("ul");
    ev.c.forEach(function (claim) {
      var item = el("li");
      var name = claim[0] || "(no source)";
      if (claim[3] && /^https?:\/\//i.test(claim[3])) {
        item.appendChild(el("a", { href: claim[3], rel: "noopener noreferrer", target: "_blank" }, name));
      } else {
        item.appendChild(el("span", null, name));
      }
      var meta = [claim[1], claim[2], claim[4]].filter(function (v) { return v; }).join(" \u00b7 ");
      if (meta) { item.appendChild(el("div", { "class": "tl-empty" }, meta)); }
      if (claim[5]) { item.appendChild(el("blockquote", null, claim[5])); }
      list.appendChild(item);
    });
    panel.appendChild(list);
    Array.prototype.forEach.call(chart.querySelectorAll(".tl-item"), function (node) {
      node.classList.toggle("tl-selected", node.getAttribute("data-id") === String(id));
    });
  }

  function renderTable() {
    var list = visibleEvents(), tbody = $("tl-table").tBodies[0];
    clear(tbody);
    list.slice(0, state.tableRows).forEach(function (ev) {
      var tr = el("tr", { "class": "tl-status-" + ev.s, "data-id": String(ev.id) });
      tr.appendChild(el("td", null, ev.w));
      var cell = el("td"), button = el("button", { type: "button" }, ev.t);
      button.addEventListener("click", function () { showDetails(ev.id); $("tl-details").focus(); });
      cell.appendChild(button);
      tr.appendChild(cell);
      tr.appendChild(el("td", null, ev.k));
      tr.appendChild(el("td", null, ev.s));
      tr.appendChild(el("td", null, ev.p || ""));
      tr.appendChild(el("td", null, ev.e.map(function (p) { return p[0] + " (" + p[1] + ")"; }).join(", ")));
      tbody.appendChild(tr);
    });
    var shown = Math.min(list.length, state.tableRows);
    $("tl-table-caption").textContent = "Events: " + shown.toLocaleString("en") + " shown of " +
      list.length.toLocaleString("en") + " matching (" + events.length.toLocaleString("en") + " in all)";
    $("tl-more").hidden = shown >= list.length;
    $("tl-summary").textContent = list.length.toLocaleString("en") + " of " +
      events.length.toLocaleString("en") + " events shown";
  }

  /* -- controls ---------------------------------------------------------------------------- */

  function zoom(factor, at) {
    var v0 = state.view[0], v1 = state.view[1], span = v1 - v0;
    var next = Math.min(Math.max(span * factor, 1 / 24), 3.7e6);
    if (at === undefined) { at = v0 + span / 2; }
    var ratio = (at - v0) / span;
    state.view = [at - ratio * next, at - ratio * next + next];
    render();
  }
  function pan(fraction) {
    var span = state.view[1] - state.view[0];
    state.view = [state.view[0] + span * fraction, state.view[1] + span * fraction];
    render();
  }
  function fit() { state.view = fullExtent(visibleEvents()); render(); }
  function timeAt(clientX) {
    var rect = chart.getBoundingClientRect(), width = rect.width || 1;
    var plotW = width - LABEL_W - PAD_R;
    return state.view[0] + (clientX - rect.left - LABEL_W) / plotW * (state.view[1] - state.view[0]);
  }

  function controls() {
    var lanes = $("tl-lanes");
    lanes.value = state.lanes;
    lanes.addEventListener("change", function () { state.lanes = lanes.value; render(); });
    var kinds = $("tl-kinds");
    groups.forEach(function (name) {
      var id = "tl-kind-" + groups.indexOf(name);
      var box = el("input", { type: "checkbox", id: id, value: name });
      box.checked = true;
      box.addEventListener("change", function () {
        state.hidden[name] = !box.checked;
        render(); renderTable();
      });
      var labelNode = el("label", { "for": id });
      var swatch = el("span", { "class": "tl-swatch" });
      swatch.style.background = colourOf[name];
      labelNode.appendChild(box);
      labelNode.appendChild(swatch);
      labelNode.appendChild(document.createTextNode(name + " (" + groups.counts[name] + ")"));
      kinds.appendChild(labelNode);
    });
    var entity = $("tl-entity");
    entities.forEach(function (name) { entity.appendChild(el("option", { value: name }, name)); });
    entity.addEventListener("change", function () { state.entity = entity.value; render(); renderTable(); });
    $("tl-zoom-in").addEventListener("click", function () { zoom(0.5); });
    $("tl-zoom-out").addEventListener("click", function () { zoom(2); });
    $("tl-fit").addEventListener("click", fit);
    $("tl-more").addEventListener("click", function () { state.tableRows += TABLE_PAGE; renderTable(); });
    chart.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(Math.exp(Math.max(-300, Math.min(300, event.deltaY)) * 0.002), timeAt(event.clientX));
    }, { passive: false });
    var drag = null;
    chart.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, view: state.view.slice(), moved: false };
      chart.classList.add("tl-dragging");
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var dx = event.clientX - drag.x;
      if (Math.abs(dx) < 3 && !drag.moved) { return; }
      drag.moved = true;
      var plotW = chart.getBoundingClientRect().width - LABEL_W - PAD_R;
      var shift = -dx / plotW * (drag.view[1] - drag.view[0]);
      state.view = [drag.view[0] + shift, drag.view[1] + shift];
      render();
    });
    window.addEventListener("pointerup", function () {
      if (drag && !drag.moved) { drag = null; }
      setTimeout(function () { drag = null; }, 0);
      chart.classList.remove("tl-dragging");
    });
    chart.addEventListener("click", function (event) {
      var item = event.target.closest ? event.target.closest(".tl-item") : null;
      if (item) { showDetails(Number(item.getAttribute("data-id"))); }
    });
    chart.addEventListener("keydown", function (event) {
      var item = event.target.closest ? event.target.closest(".tl-item") : null;
      if ((event.key === "Enter" || event.key === " ") && item) {
        showDetails(Number(item.getAttribute("data-id"))); event.preventDefault(); return;
      }
      var keys = { "+": function () { zoom(0.5); }, "=": function () { zoom(0.5); },
        "-": function () { zoom(2); }, ArrowLeft: function () { pan(-0.2); },
        ArrowRight: function () { pan(0.2); }, "0": fit };
      if (keys[event.key]) { keys[event.key](); event.preventDefault(); }
    });
    window.addEventListener("resize", render);
  }

  controls();
  render();
  renderTable();
  document.body.setAttribute("data-ready", "1");
})();
