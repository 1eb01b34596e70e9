/* Patrol Map: draws the layer model's compact rows (patrolmap/render_live.py) with Leaflet.
 *
 * A layer arrives as {strings, styles, rows, coords}; a row is
 *   [layer, props, geometry, coords, style, text, notes, label]
 * once feature() has put its coords in place (they come in a column of their own, so the server
 * writes each geometry's JSON once and reuses it). The layers of one map share one string table:
 * the first layer carries it and the layers after it come without `strings` and use it.
 * props is [key, value, key, value, ...] with each key an index into `strings`; a key written
 * ~key (negative) says its value is a string's index too. Layer, text, notes and label index
 * `strings` (so repeated text is sent once; a line made of parts is the list of its parts'
 * indexes, joined), geometry is 0 Point, 1 LineString, 2 Polygon and style indexes `styles`.
 * Record text is only ever set with textContent: names and descriptions are shown, never parsed
 * as HTML.
 */
(function () {
  "use strict";
  var GEOMETRY = ["Point", "LineString", "Polygon"];
  var DIMMED = 0.2;
  var state = { layers: [], highlighted: null, fitted: false, afterPaint: [] };

  /* Markers placed with a 2D translate, not Leaflet's translate3d. A 3D transform gives each
   * element a compositor layer of its own: with a hundred names, badges and incident markers,
   * Chromium's layerize step took 23-30 ms of every frame, the whole page's main thread included
   * (benchmarks/README.md, "Results, 2026-12-02, afternoon"). The map panes keep translate3d, so
   * panning and the zoom animation are as before; text placed in 2D is also sharper. */
  function place2d(el, pos) {
    el._leaflet_pos = pos;
    el.style.transform = "translate(" + pos.x + "px," + pos.y + "px)";
  }
  L.Marker.include({
    _setPos: function (pos) {
      if (this._icon) { place2d(this._icon, pos); }
      if (this._shadow) { place2d(this._shadow, pos); }
      this._zIndex = pos.y + this.options.zIndexOffset;
      this._resetZIndex();
    }
  });

  /* The map a model layer is drawn on: its own, or that of the cluster group drawing its markers. */
  function onMap(g) { return g._map || (g.patrolCluster && g.patrolCluster._map) || null; }

  function tip(lines, notes) {
    var el = document.createElement("div");
    lines.concat(notes).forEach(function (text, i) {
      if (text === null || text === "") { return; }
      if (el.childNodes.length) { el.appendChild(document.createElement("br")); }
      var part = document.createElement(i === 0 ? "b" : (i >= lines.length ? "i" : "span"));
      part.textContent = text;
      el.appendChild(part);
    });
    return el;
  }

  function feature(data, row, i) {
    row.splice(3, 0, data.coords[i]);
    var props = { layer: data.strings[row[0]] }, kept = row[1];
    for (var k = 0; k < kept.length; k += 2) {
      var key = kept[k];
      if (key < 0) { props[data.strings[~key]] = data.strings[kept[k + 1]]; } else { props[data.strings[key]] = kept[k + 1]; }
    }
    return {
      type: "Feature",
      geometry: { type: GEOMETRY[row[2]], coordinates: row[2] === 2 ? [row[3]] : row[3] },
      properties: props,
      r: row,
    };
  }

  /* One line of text: a string's index, or the indexes of the parts it is joined from. */
  function text(data, i) {
    return Array.isArray(i) ? i.map(function (j) { return data.strings[j]; }).join("") : data.strings[i];
  }

  function strings(data, idx) { return idx.map(function (i) { return text(data, i); }); }

  function accessibleName(data, row) {
    return strings(data, row[5]).join(", ");
  }

  function incidentIcon(st) {
    var span = document.createElement("span");
    span.style.color = st.color;
    span.textContent = st.symbol;
    return L.divIcon({ className: "incident-icon", html: span, iconSize: [22, 22], iconAnchor: [11, 11] });
  }

  function badgeIcon(data, row, props) {
    var el = document.createElement("div");
    var parts = props.parts;
    if (parts) {
      var last = null;
      parts.forEach(function (p) {
        // Each item in a span of its own that does not break: a long badge wraps between items only.
        var item = document.createElement("span");
        item.className = "item";
        if (p[0] !== last) {
          if (last !== null) { el.appendChild(document.createTextNode(" \u00b7 ")); }
          var c = document.createElement("b");
          c.textContent = p[0] + " ";
          item.appendChild(c);
          last = p[0];
        } else {
          el.appendChild(document.createTextNode(", "));
        }
        var sym = document.createElement("span");
        sym.className = "role";
        sym.textContent = p[1];
        item.appendChild(sym);
        item.appendChild(document.createTextNode(" " + p[2]));
        el.appendChild(item);
      });
    } else {
      el.textContent = text(data, row[7]);
    }
    return L.divIcon({ className: parts ? "patrol-badge" : "patrol-badge-count", html: el,
      iconSize: null, iconAnchor: [0, 0] });
  }

  function labelIcon(kind, text) {
    var el = document.createElement("span");
    el.textContent = text;
    return L.divIcon({ className: "place-label place-label-" + kind, html: el, iconSize: null });
  }

  function point(data, f, latlng) {
    var row = f.r, st = data.styles[row[4]], layer = f.properties.layer;
    if (layer === "incident") {
      return L.marker(latlng, { icon: incidentIcon(st), keyboard: true, title: accessibleName(data, row) });
    }
    if (layer === "label") {
      return L.marker(latlng, { icon: labelIcon(f.properties.kind, text(data, row[7])), interactive: false,
        keyboard: false, zIndexOffset: -1000 });
    }
    if (layer === "badge" || layer === "badge_count") {
      if (st.min_zoom !== undefined) { f.properties.min_zoom = st.min_zoom; }
      if (st.max_zoom !== undefined) { f.properties.max_zoom = st.max_zoom; }
      return L.marker(latlng, { icon: badgeIcon(data, row, f.properties), keyboard: true, zIndexOffset: 1000,
        title: accessibleName(data, row) });
    }
    return L.circleMarker(latlng, st).setRadius(st.radius || 6);
  }

  function highlight(layer) {
    state.highlighted = layer;
    eachRoute(function (l) {
      if (l === layer) {
        l.setStyle({ opacity: 1, weight: l.options.baseWeight * 1.6 });
        l.bringToFront();
      } else {
        l.setStyle({ opacity: DIMMED });
      }
    });
  }

  function unhighlight() {
    state.highlighted = null;
    eachRoute(function (l) { l.setStyle({ opacity: l.options.baseOpacity, weight: l.options.baseWeight }); });
    eachRoute(function (l) { if (l.feature.properties.selected) { l.bringToFront(); } });
  }

  function eachRoute(fn) {
    state.layers.forEach(function (g) {
      if (!onMap(g)) { return; }
      g.eachLayer(function (l) { if (l.feature && l.feature.properties.layer === "route") { fn(l); } });
    });
  }

  function makeFocusable(layer, name) {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    // A click focuses the feature; the browser would then scroll the page to bring the whole map
    // frame into view, between mouse down and up, and the click would be lost. Focus, no scroll.
    el.addEventListener("mousedown", function (ev) {
      if (ev.button !== 0) { return; }
      ev.preventDefault();
      el.focus({ preventScroll: true });
    });
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        var at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        layer.fire("click", { latlng: at, sourceTarget: layer, target: layer, layer: layer });
      }
    });
    el.addEventListener("focus", function () { if (layer.feature.properties.layer === "route") { highlight(layer); } });
    el.addEventListener("blur", function () { if (layer.feature.properties.layer === "route") { unhighlight(); } });
  }

  function onEach(data, arrows, hint) {
    return function (f, layer) {
      var row = f.r, kind = f.properties.layer;
      if (kind === "label") { return; }
      // hint: on the app's map, a route with an event says that a click opens its card.
      var notes = hint && f.properties.event_id ? [hint] : [];
      layer.bindTooltip(function () { return tip(strings(data, row[5]), strings(data, row[6]).concat(notes)); },
        { sticky: true });
      layer.on("add", function () { makeFocusable(layer, accessibleName(data, row)); });
      if (kind === "route") {
        layer.options.baseOpacity = layer.options.opacity;
        layer.options.baseWeight = layer.options.weight;
        layer.on("mouseover", function () { highlight(layer); });
        layer.on("mouseout", function () { unhighlight(); });
        var label = text(data, row[7]);
        if (label) { addRouteLabel(layer, label, data.styles[row[4]].color); }
        if (arrows && layer.setText) {
          var color = data.styles[row[4]].color;
          afterPaint(function () {
            layer.setText("    \u27a4    ", { repeat: true, offset: 4,
              attributes: { fill: color, "font-size": "13px", "font-weight": "bold" } });
          });
        }
      }
    };
  }

  /* Runs fn once the routes have been painted: direction arrows measure each route's length and
   * their own text, ~45 ms at the default view, which the first sight of the map need not wait for.
   * A layer not on the map by then keeps its arrows for when it is added (leaflet-textpath). */
  function afterPaint(fn) {
    state.afterPaint.push(fn);
    if (state.afterPaint.length > 1) { return; }
    requestAnimationFrame(function () {
      setTimeout(function () {
        var queue = state.afterPaint;
        state.afterPaint = [];
        queue.forEach(function (f) { f(); });
      }, 0);
    });
  }

  /* The route's short name and date as text at its middle point, decluttered with the place names. */
  function addRouteLabel(layer, text, color) {
    layer.on("add", function () {
      var pts = layer.getLatLngs();
      if (!pts.length) { return; }
      var at = pts[Math.floor(pts.length / 2)];
      var el = document.createElement("span");
      el.textContent = text;
      el.style.color = color;
      var marker = L.marker(at, { icon: L.divIcon({ className: "route-label", html: el, iconSize: null }),
        interactive: false, keyboard: false, zIndexOffset: -500 });
      marker.feature = { properties: { layer: "route_label", event_id: layer.feature.properties.event_id,
        min_zoom: layer.feature.properties.selected ? 0 : 5 } };
      layer.routeLabel = marker;
      marker.addTo(layer._map);
    });
    layer.on("remove", function () { if (layer.routeLabel) { layer.routeLabel.remove(); layer.routeLabel = null; } });
  }

  /* Labels, badges and route names that overlap at this zoom: the earlier (more important) wins.
   * A name that would cover another, a count or an incident marker first moves a line or two off
   * it (freeSpot); only when no such spot is free does it give way (or, under a marker, stay). */
  function declutter(map) {
    var zoom = map.getZoom();
    var frame = map.getContainer().getBoundingClientRect();
    var items = [];
    state.layers.forEach(function (g) {
      if (!onMap(g)) { return; }
      g.eachLayer(function (l) {
        var p = l.feature && l.feature.properties;
        if (l.routeLabel && l.routeLabel.getElement()) { items.push(l.routeLabel); }
        if (!p || !l.getElement || !l.getElement()) { return; }
        if (p.layer === "label" || p.layer === "badge" || p.layer === "badge_count") { items.push(l); }
      });
    });
    // The selected event's badge first and always; then counts, other badges, route names, place names.
    var rank = { badge_count: 1, badge: 2, route_label: 3, label: 4 };
    function rankOf(l) {
      var p = l.feature.properties;
      return p.layer === "badge" && p.event_id === state.focus ? 0 : rank[p.layer];
    }
    items.sort(function (a, b) { return rankOf(a) - rankOf(b); });
    // Styles are written, then every box read, then the losers hidden: one layout for the whole
    // pass, where a read after each write would lay the page out once per name.
    var shown = items.filter(function (l) {
      var p = l.feature.properties;
      var show = (p.min_zoom === undefined || zoom >= p.min_zoom) && (p.max_zoom === undefined || zoom <= p.max_zoom);
      if (state.playback && (p.layer === "badge" || p.layer === "badge_count")) {
        // Playback: what each side sent, once its event has started; counts stand for all events, so none.
        show = p.layer === "badge" && state.playback.started(p.event_id);
      }
      l.getElement().style.display = show ? "" : "none";
      nudge(l.getElement().firstChild, 0, 0);  // measured where it belongs, not where the last pass put it
      return show;
    });
    var boxes = shown.map(function (l) { var el = l.getElement(); return (el.firstChild || el).getBoundingClientRect(); });
    // Counts and incident markers never give way; a name on one of them moves off it if it can.
    // (Counts sort first, so each is in blockers before any name is placed.)
    var blockers = [].map.call(map.getContainer().querySelectorAll(".incident-group, .incident-icon"),
      function (el) { return el.getBoundingClientRect(); });
    // The map's controls (zoom, scale bar, legend, layer switch) come first: a name or a badge
    // under one moves off it or gives way, as it would to another name (the selected event's
    // badge and the counts excepted).
    var kept = [].map.call(map.getContainer().querySelectorAll(".leaflet-control"), function (el) {
      return el.getBoundingClientRect();
    }).filter(function (r) { return r.width > 0 && r.height > 0; });
    var moves = [], losers = [];
    shown.forEach(function (l, i) {
      var p = l.feature.properties, el = l.getElement(), box = boxes[i];
      if ((p.layer === "badge" || p.layer === "badge_count") && el.firstChild) {
        var dx = insideFrame(box, frame);
        if (dx) { moves.push([el.firstChild, dx, 0]); box = shifted(box, dx, 0); }
      }
      if (p.layer === "badge_count") { blockers.push(box); return; }
      var hit = overlapsAny(box, kept);
      if ((hit || overlapsAny(box, blockers)) && (p.layer === "label" || p.layer === "route_label") && el.firstChild) {
        var far = el.classList.contains("place-label-sea") || el.classList.contains("place-label-country");
        var spot = freeSpot(box, kept.concat(blockers), frame, far);
        if (spot) { moves.push([el.firstChild, spot[0], spot[1]]); box = shifted(box, spot[0], spot[1]); hit = false; }
      }
      if (hit && rankOf(l) > 1) { losers.push(el); } else { kept.push(box); }
    });
    moves.forEach(function (m) { nudge(m[0], m[1], m[2]); });
    losers.forEach(function (el) { el.style.display = "none"; });
  }

  function overlaps(a, b) { return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top; }

  function overlapsAny(box, others) { return others.some(function (k) { return overlaps(box, k); }); }

  function shifted(box, dx, dy) {
    return { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
  }

  /* A name's nearest place off what it would cover, inside the frame: just above or below each
   * box it hits, nearest first, at most two lines away (a sea's or a country's name, which covers
   * a wide area: three); never sideways, where a strait's name would label the land beside it.
   * [dx, dy] in pixels, or null when none is free. */
  function freeSpot(box, taken, frame, far) {
    var h = box.bottom - box.top, reach = far ? 3 * h + 9 : 2 * h + 6;
    var tries = [1, 2, 3].reduce(function (t, n) { return t.concat([-n * (h + 3), n * (h + 3)]); }, []);
    taken.forEach(function (k) {
      if (overlaps(box, k)) { tries.push(k.top - box.bottom - 2, k.bottom - box.top + 2); }
    });
    tries.sort(function (a, b) { return Math.abs(a) - Math.abs(b); });
    for (var i = 0; i < tries.length; i++) {
      if (Math.abs(tries[i]) > reach) { break; }
      var b = shifted(box, 0, tries[i]);
      var inside = b.left >= frame.left && b.right <= frame.right && b.top >= frame.top && b.bottom <= frame.bottom;
      if (inside && !overlapsAny(b, taken)) { return [0, tries[i]]; }
    }
    return null;
  }

  /* Moves a name's or a badge's text off its point by (dx, dy) pixels; (0, 0) puts it back. */
  function nudge(inner, dx, dy) {
    if (!inner || !inner.style) { return; }
    inner.style.position = dx || dy ? "relative" : "";
    inner.style.left = dx ? Math.round(dx) + "px" : "";
    inner.style.top = dy ? Math.round(dy) + "px" : "";
  }

  /* A badge wider than the room beside the map's edge is moved along, never cut by the frame:
   * how far, in pixels, from where it belongs (box). */
  function insideFrame(box, frame) {
    if (box.right - box.left > frame.width - 8) { return frame.left + 4 - box.left; }  // wider than the map: its start shows
    return Math.max(0, frame.left + 4 - box.left) - Math.max(0, box.right - (frame.right - 4));
  }

  function dataBounds() {
    var bounds = null;
    state.layers.forEach(function (g) {
      if (!onMap(g) || g.patrolKind === "labels") { return; }
      g.eachLayer(function (l) {
        var b = l.getBounds ? l.getBounds() : (l.getLatLng ? L.latLngBounds([l.getLatLng()]) : null);
        if (b && b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
      });
    });
    return bounds;
  }

  /* A URL naming an event opens fitted to it (its route, areas, incidents). */
  function fitEvent(map, id) {
    var bounds = null;
    state.layers.forEach(function (g) {
      if (!onMap(g)) { return; }
      g.eachLayer(function (l) {
        var p = l.feature && l.feature.properties;
        if (!p || p.event_id !== id || p.layer === "badge") { return; }
        var b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng()]);
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      });
    });
    if (bounds) {
      map.fitBounds(bounds, { paddingTopLeft: [40, 40], paddingBottomRight: [40 + coveredRight(), 40], maxZoom: 6,
        animate: false });
    }
    return !!bounds;
  }

  /* Pixels of the map's right side under the page's floating event card (narrow windows), 0 when none. */
  function coveredRight() {
    try {
      var card = window.parent.document.querySelector(".st-key-event_card");
      if (!card || window.parent.getComputedStyle(card).position !== "fixed" || !window.frameElement) { return 0; }
      var r = card.getBoundingClientRect(), f = window.frameElement.getBoundingClientRect();
      return Math.max(0, Math.min(f.width - 120, f.right - r.left));
    } catch (e) { return 0; }
  }

  /* A newly opened event stays in sight: when the floating card would hide part of it, the map moves
   * it into the uncovered part (a click elsewhere on the map leaves the view alone). */
  function revealFocus(map) {
    var covered = coveredRight();
    if (!covered || !state.focus) { return; }
    var size = map.getSize(), clear = L.latLngBounds(map.containerPointToLatLng([0, size.y]),
      map.containerPointToLatLng([size.x - covered, 0]));
    var hidden = false;
    state.layers.forEach(function (g) {
      if (!onMap(g)) { return; }
      g.eachLayer(function (l) {
        var p = l.feature && l.feature.properties;
        if (!p || p.event_id !== state.focus || p.layer === "badge") { return; }
        var b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng()]);
        if (!clear.contains(b)) { hidden = true; }
      });
    });
    if (hidden) { fitEvent(map, state.focus); }
  }

  function fitShown(map) {
    var b = dataBounds();
    if (b) { map.fitBounds(b, { padding: [24, 24], maxZoom: 6, animate: false }); }
    return !!b;
  }

  /* After a filter change: fit when no shown feature is in view (a marker at the very edge does not
   * count: the inner 80% of the map), else keep the analyst's view. */
  function fitIfOutOfView(map) {
    var view = map.getBounds().pad(-0.1), any = false, inView = false;
    state.layers.forEach(function (g) {
      if (!onMap(g) || g.patrolKind === "labels") { return; }
      g.eachLayer(function (l) {
        var b = l.getBounds ? l.getBounds() : (l.getLatLng ? L.latLngBounds([l.getLatLng()]) : null);
        if (!b || !b.isValid()) { return; }
        any = true;
        if (view.intersects(b)) { inView = true; }
      });
    });
    if (any && !inView) { fitShown(map); }
  }

  var FitControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var div = L.DomUtil.create("div", "leaflet-bar patrol-fit");
      var a = L.DomUtil.create("a", "", div);
      a.href = "#";
      a.title = "Fit the map to the shown events";
      a.setAttribute("role", "button");
      a.setAttribute("aria-label", "Fit the map to the shown events");
      a.textContent = "\u2922";
      L.DomEvent.on(a, "click", function (ev) { L.DomEvent.preventDefault(ev); fitShown(map); });
      L.DomEvent.disableClickPropagation(div);
      return div;
    },
  });

  function setup(map) {
    if (map.patrolSetup) { return; }
    map.patrolSetup = true;
    // A small window keeps the map clear: the legend starts folded (its summary stays).
    var size = map.getSize(), legend = document.querySelector(".patrol-legend");
    if (legend && (size.x < 1000 || size.y < 560)) { legend.open = false; }
    new FitControl().addTo(map);
    // Also on resize: the frame is sized after the first draw (streamlit-folium sets its height), and
    // names measured in a frame not yet laid out all have empty boxes, so none would give way.
    // Not while layers wait to be drawn: schedule's pass comes after them and would redo it (each
    // pass lays the frame out, ~50 ms with the default view's 220 names and badges).
    function settle() { if (!state.timer) { declutter(map); } }
    map.on("resize", function () { if (state.refit) { state.refit(); } });
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (type) {
      map.getContainer().addEventListener(type, function () { state.refit = null; }, { capture: true, passive: true });
    });
    map.on("zoomend moveend resize", settle);
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(settle); }
    // streamlit-folium adds the stylesheets (leaflet.css among them) after the scripts and draws
    // the map without waiting for them: names and badges measured before leaflet.css applies are
    // laid out in the page's flow, not at their points, and none would give way. Place them again
    // once each sheet has come.
    [].forEach.call(document.querySelectorAll("link[rel=stylesheet]"), function (link) {
      if (!link.sheet) { link.addEventListener("load", settle, { once: true }); }
    });
    map.on("moveend", function () { reportView(map); });
  }

  /* The view goes into the page's URL (zoom=, center=) without a rerun: the component frame is
   * same-origin with the app page. Failing that (a file:// export), nothing happens. */
  function reportView(map) {
    try {
      var top = window.parent;
      if (!top || top === window || !top.history || !top.location) { return; }
      var url = new URL(top.location.href);
      var c = map.getCenter();
      url.searchParams.set("zoom", String(map.getZoom()));
      // Written as the server writes it (center=35,135): a comma, no trailing zeros.
      url.searchParams.set("center", Number(c.lat.toFixed(2)) + "," + Number(c.lng.toFixed(2)));
      top.history.replaceState(top.history.state, "", url.toString().replace(/(center=[^&]*?)%2C/, "$1,"));
    } catch (e) { /* another origin: leave the URL alone */ }
  }

  function schedule(map) {
    if (state.timer) { return; }
    state.timer = setTimeout(function () {
      state.timer = null;
      state.layers = state.layers.filter(function (g) { return onMap(g); });
      // The card is drawn by the page after the map's rerun: look once it has had time to appear
      // (on a link that opens an event too, whose first fit may come before the card).
      function revealLater() {
        [400, 1500].forEach(function (ms) { setTimeout(function () { revealFocus(map); declutter(map); }, ms); });
      }
      if (!state.opened) {
        state.opened = true;
        state.revealed = state.focus;
        // A link that names an event or a filter opens on it; until the analyst moves the map,
        // the frame's resizes as the page settles fit it again (a fit made in a frame not yet at
        // its full size would leave the results small, or off to one side).
        if (state.focus && fitEvent(map, state.focus)) {
          state.refit = function () { fitEvent(map, state.focus); };
          declutter(map); revealLater(); return;
        }
        if (state.openFit && fitShown(map)) {
          state.refit = function () { fitShown(map); };
          declutter(map); return;
        }
      }
      if (state.focus !== state.revealed) {
        state.revealed = state.focus;
        revealLater();
      }
      if (state.autofit !== false) { fitIfOutOfView(map); }
      declutter(map);
    }, 0);
  }

  var GROUP_TIP_MAX = 8;

  /* The first tooltip line of each incident in a group ("Scramble (Japan)"), counted. */
  function groupLines(cluster) {
    var counts = {}, order = [];
    cluster.getAllChildMarkers().forEach(function (m) {
      var row = m.feature && m.feature.r, data = m.patrolData;
      if (!row || !data) { return; }
      var text = strings(data, row[5]).slice(0, 1).concat(strings(data, row[6]).slice(0, 1)).join(", ");
      if (!(text in counts)) { counts[text] = 0; order.push(text); }
      counts[text] += 1;
    });
    var lines = order.slice(0, GROUP_TIP_MAX).map(function (t) { return (counts[t] > 1 ? counts[t] + "\u00d7 " : "") + t; });
    if (order.length > GROUP_TIP_MAX) { lines.push("\u2026 and " + (order.length - GROUP_TIP_MAX) + " more"); }
    return lines;
  }

  /* A divIcon whose element carries an accessible name (Leaflet makes a keyboard marker's icon focusable,
   * and Enter on it is a click: on a group, markercluster zooms in to separate it). */
  var NamedIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var div = L.DivIcon.prototype.createIcon.call(this, old);
      div.setAttribute("role", "button");
      div.setAttribute("aria-label", this.options.name);
      return div;
    },
  });

  /* Incident markers that overlap at this zoom drawn as one marker with their count (Leaflet.markercluster,
   * grouped again on every zoom); its tooltip lists them; a click or Enter zooms in to separate them. */
  function clusterGroup(parent) {
    var cluster = L.markerClusterGroup({
      maxClusterRadius: 18,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      animate: false,
      iconCreateFunction: function (c) {
        var n = c.getChildCount(), lines = groupLines(c);
        var el = document.createElement("span");
        el.textContent = String(n);
        c.unbindTooltip();
        c.bindTooltip(function () { return tip([n + " incidents here (zoom in to separate)"], lines); }, { sticky: true });
        return new NamedIcon({ className: "incident-group", html: el, iconSize: [24, 24], iconAnchor: [12, 12],
          name: n + " incidents here: " + lines.join("; ") });
      },
    });
    cluster.addTo(parent);
    return cluster;
  }

  var PLAYBACK_DIMMED = 0.4;

  /* Playback: after each step of the slider, the latest event started by its date is highlighted
   * (the others dimmed) and named under the slider; badges follow their events. */
  function playback(timeline, slider, info) {
    var starts = {};
    Object.keys(info.starts).forEach(function (id) { starts[id] = Date.parse(info.starts[id]); });
    document.body.classList.add("patrol-playback");
    var now = document.createElement("div");
    now.className = "patrol-now";
    now.setAttribute("aria-live", "polite");
    state.playback = { started: function (id) { return starts[id] !== undefined && starts[id] <= timeline.time; } };
    function idsOf(p) { return p.event_id ? [p.event_id] : (p.event_ids || []); }
    function update() {
      var t = timeline.time, latest = -Infinity, current = [];
      Object.keys(starts).forEach(function (id) {
        if (starts[id] > t) { return; }
        if (starts[id] > latest) { latest = starts[id]; current = [id]; } else if (starts[id] === latest) { current.push(id); }
      });
      timeline.getLayers().forEach(function (l) {
        var p = l.feature.properties, base = p.style || {};
        var on = idsOf(p).some(function (id) { return current.indexOf(id) >= 0; });
        if (l.setStyle) {
          l.setStyle(on ? Object.assign({}, base, { opacity: 1, weight: (base.weight || 3) * 1.6 })
            : Object.assign({}, base, { opacity: (base.opacity || 1) * PLAYBACK_DIMMED,
              fillOpacity: (base.fillOpacity === undefined ? 0.2 : base.fillOpacity) * PLAYBACK_DIMMED }));
          if (on && l.bringToFront) { l.bringToFront(); }
        } else if (l.setOpacity) {
          l.setOpacity(on ? 1 : PLAYBACK_DIMMED);
        }
      });
      now.textContent = current.length ? "Now: " + current.map(function (id) { return info.labels[id]; }).join("; ")
        : "No event yet";
      if (timeline._map) { declutter(timeline._map); }
    }
    timeline.on("change", update);
    timeline.on("add", function () {
      var map = timeline._map;
      if (slider.container) { slider.container.appendChild(now); }
      map.invalidateSize();
      update();
    });
    if (timeline._map) { timeline.fire("add"); }
  }

  window.PatrolMap = {
    playback: playback,
    /* A GeoJSON layer from a model layer's rows; added to `parent` (a feature group or the map). */
    layer: function (parent, data, options) {
      options = options || {};
      if (data.strings) { state.strings = data.strings; } else { data.strings = state.strings; }
      var features = data.rows.map(function (row, i) { return feature(data, row, i); });
      var group = L.geoJson(features, {
        style: function (f) { return data.styles[f.r[4]]; },
        pointToLayer: function (f, latlng) { return point(data, f, latlng); },
        onEachFeature: onEach(data, options.arrows !== false, options.hint),
      });
      group.patrolKind = options.kind || "";
      state.layers.push(group);
      if (options.fit === false) { state.autofit = false; }
      if (options.open_fit) { state.openFit = true; }
      if (options.focus !== undefined) { state.focus = options.focus; }
      if (options.cluster && L.markerClusterGroup) {
        group.eachLayer(function (l) { l.patrolData = data; });
        var cluster = group.patrolCluster = clusterGroup(parent);
        cluster.on("add", function () { setup(cluster._map); schedule(cluster._map); });
        cluster.addLayer(group);
        if (cluster._map) { setup(cluster._map); schedule(cluster._map); }
        return group;
      }
      group.on("add", function () { setup(group._map); schedule(group._map); });
      group.addTo(parent);
      return group;
    },
    fitShown: fitShown,
    declutter: declutter,
    tip: tip,
  };
})();
