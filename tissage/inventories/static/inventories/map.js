/* The public map of an inventory campaign (Leaflet).
 *
 * Everything comes from data- attributes of #inventory-map (no inline script: strict
 * CSP): data-url (the GeoJSON endpoint), data-item-url (an item's address, "{id}" to
 * replace), data-tiles / data-attribution, data-bbox (west,south,east,north to show
 * first) and the texts (data-label-*), translated by the template.
 *
 * Two ways to get the items, with the filters of the form:
 * - by tile (data-tile-url, "{z}/{x}/{y}" to replace; data-version, the data's version,
 *   part of every tile's address so that the browser may keep them): the tiles of the
 *   view, then those around it and those of the next zoom in and out, asked ahead and
 *   kept here, so that a pan or a zoom draws at once from what is already here. Each
 *   tile gives groups ([lon, lat, count]) and single items ([id, lon, lat, category id,
 *   title]; data-categories names the categories and gives each a colour);
 * - by bounding box (data-url; consultations): what is in view, after each move.
 * Whatever comes, markers whose boxes would touch at the current zoom are merged here
 * into one group (`declutter`), across tiles: no two discs overlap, no number is
 * hidden, every target at least 44 px. A group whose place is in view is drawn whole,
 * moved inside the map's edges and out from under its buttons if need be.
 *
 * An address ending in #map=ZOOM/LAT/LON (the item page's link) opens the map there;
 * else the map fits the campaign's items (data-bbox). By tile, the first view's tiles are
 * asked as soon as this script runs, before Leaflet (map.html loads it first), in one
 * request (data-view-url, "{z}/{x}/{y}" with x and y as ranges "first-last": a
 * rectangle's tiles), and the map then opens on
 * that very view. A view whose tiles are all missing (its filters changed) asks them in
 * one request too; the tiles ahead are asked one by one.
 *
 * Other maps reuse it (consultations/map.js): `window.TissageMap.init(container,
 * options)`, where options may give `pointClass(properties)` (a class added to a point's
 * marker: its colour), `popup(properties)` (a point's popup, a node), `pointLabel(properties)`
 * (a point's accessible name) and `ready(map)` (called once the map is made).
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function clamp(value, min, max) {
    return Math.min(Math.max(value, min), max);
  }

  function format(template, values) {
    // "{count} items": the translated texts name what goes where.
    return (template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function parseBox(text) {
    // "west,south,east,north" in degrees.
    var parts = (text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    return parts;
  }

  function parseView(hash) {
    // "#map=17/44.04512/5.05123", as OpenStreetMap writes it.
    var match = /^#map=(\d{1,2})\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(hash || "");
    if (!match) {
      return null;
    }
    var lat = Number(match[2]);
    var lon = Number(match[3]);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return { zoom: clamp(Number(match[1]), 0, 19), lat: lat, lon: lon };
  }

  // --- The first view, worked out before Leaflet -------------------------------------
  // The inventory map asks for its first view's tiles as soon as this script runs, before
  // Leaflet is evaluated and the map is made (map.html loads this script before Leaflet):
  // the server answers while the browser is busy with Leaflet, and the first clusters
  // show sooner. The view is worked out here, as Leaflet projects (Web Mercator), and the
  // map then opens exactly there, so the tiles asked are the view's.

  var TILE = 256;
  var PARALLEL = 6; // tiles asked at once (a browser opens six connections to a site)
  // A view's tiles asked in one request, at most (MAX_TILES_PER_REQUEST, map/tiles.py).
  var MOST_TOGETHER = 64;
  // The background map waits for the first markers, this long at most (ms).
  var BACKGROUND_AT_THE_LATEST = 1500;
  var FIT_MAX_ZOOM = 15; // a campaign's items fitted in view: never closer than a street
  var MAX_LATITUDE = 85.0511287798; // Web Mercator's, as Leaflet's
  var FRANCE = { zoom: 5, lat: 46.6, lon: 2.4 }; // metropolitan France, with no item yet
  var phone = window.matchMedia("(max-width: 39.99em)");
  var early = new WeakMap(); // a map's container → its first view and the tiles asked

  function project(lat, lon, zoom) {
    // World pixels at a zoom, as Leaflet's EPSG:3857.
    var scale = TILE * Math.pow(2, zoom);
    var sin = Math.sin((clamp(lat, -MAX_LATITUDE, MAX_LATITUDE) * Math.PI) / 180);
    return { x: scale * (0.5 + lon / 360), y: scale * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) };
  }

  function unproject(x, y, zoom) {
    var scale = TILE * Math.pow(2, zoom);
    var n = Math.PI * (1 - (2 * y) / scale);
    return { lat: (Math.atan(Math.sinh(n)) * 180) / Math.PI, lon: (x / scale) * 360 - 180 };
  }

  function fitScreen(container) {
    // On a phone the map fills the screen below what precedes it, less a strip that
    // shows the page goes on (and that a finger can scroll by: the map takes drags).
    if (phone.matches) {
      var top = container.getBoundingClientRect().top + window.scrollY;
      container.style.height = Math.max(320, window.innerHeight - top - 48) + "px";
    } else {
      container.style.height = "";
    }
  }

  function reveal(container) {
    // Hidden until now, so that a page without JavaScript shows no empty box.
    container.hidden = false;
    var keys = document.getElementById(container.getAttribute("aria-describedby") || "");
    if (keys) {
      keys.hidden = false;
    }
    fitScreen(container);
  }

  function firstView(container) {
    // The address's view (#map=…), else the campaign's items fitted in the map as
    // Leaflet's fitBounds would (the deepest whole zoom that holds them, to 1 %, no
    // deeper than a street), else France.
    var view = parseView(window.location.hash);
    var box = parseBox(container.dataset.bbox);
    if (view || !box) {
      return view || FRANCE;
    }
    var southWest = project(box[1], box[0], 0);
    var northEast = project(box[3], box[2], 0);
    var scale = Math.min(
      container.clientWidth / (northEast.x - southWest.x),
      container.clientHeight / (southWest.y - northEast.y)
    );
    var zoom = Math.floor(Math.round(Math.log2(scale) * 100) / 100);
    var centre = unproject((southWest.x + northEast.x) / 2, (southWest.y + northEast.y) / 2, 0);
    return { zoom: isFinite(zoom) ? clamp(zoom, 0, FIT_MAX_ZOOM) : FIT_MAX_ZOOM, lat: centre.lat, lon: centre.lon };
  }

  function viewBounds(container, view) {
    // The view in world pixels, as Leaflet's getPixelBounds (its origin rounded).
    var centre = project(view.lat, view.lon, view.zoom);
    var min = {
      x: Math.round(centre.x - container.clientWidth / 2),
      y: Math.round(centre.y - container.clientHeight / 2)
    };
    return { min: min, max: { x: min.x + container.clientWidth, y: min.y + container.clientHeight } };
  }

  function tilesOf(bounds, zoom, margin) {
    // The tiles of zoom `zoom` that a part of the map (pixel bounds at that zoom)
    // touches, `margin` tiles around (a number, or [across, down]); the view's centre
    // first.
    var last = Math.pow(2, zoom) - 1;
    var across = typeof margin === "number" ? margin : margin[0];
    var down = typeof margin === "number" ? margin : margin[1];
    var west = clamp(Math.floor(bounds.min.x / TILE) - across, 0, last);
    var east = clamp(Math.floor(bounds.max.x / TILE) + across, 0, last);
    var north = clamp(Math.floor(bounds.min.y / TILE) - down, 0, last);
    var south = clamp(Math.floor(bounds.max.y / TILE) + down, 0, last);
    var middle = { x: (bounds.min.x + bounds.max.x) / 2 / TILE, y: (bounds.min.y + bounds.max.y) / 2 / TILE };
    var found = [];
    for (var x = west; x <= east; x++) {
      for (var y = north; y <= south; y++) {
        found.push({ z: zoom, x: x, y: y, far: Math.abs(x + 0.5 - middle.x) + Math.abs(y + 0.5 - middle.y) });
      }
    }
    return found.sort(function (a, b) {
      return a.far - b.far;
    });
  }

  function formFilters(form) {
    // The filters that have a value, as the address's query.
    var params = new URLSearchParams();
    if (form) {
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string" && value.trim() !== "") {
          params.set(key, value.trim());
        }
      });
    }
    return params;
  }

  function tilesQuery(container) {
    // The filters and the data's version, as every tile's address ends.
    var params = formFilters(document.getElementById(container.dataset.filters || ""));
    params.set("v", container.dataset.version || "");
    return params.toString();
  }

  function tileUrl(container, tile, query, template) {
    // A tile's address; or with the view's template (data-view-url) and x and y as
    // ranges ("3-5"), a rectangle's tiles.
    return (
      (template || container.dataset.tileUrl)
        .replace("{z}", tile.z)
        .replace("{x}", tile.x)
        .replace("{y}", tile.y) +
      "?" +
      (query === undefined ? tilesQuery(container) : query)
    );
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    });
  }

  function afterPaint(fn) {
    // Once the frame now being made is painted.
    window.requestAnimationFrame(function () {
      window.setTimeout(fn, 0);
    });
  }

  function askTogether(container, list, answers) {
    // Asks the tiles of `list` in one request (the rectangle that holds them, if it is
    // not too large), else one by one; `answers` gets each tile's promised content under
    // its own address, for `fetchTile` to take.
    var query = tilesQuery(container);
    var first = list[0];
    var box = { x0: first.x, x1: first.x, y0: first.y, y1: first.y };
    list.forEach(function (tile) {
      box.x0 = Math.min(box.x0, tile.x);
      box.x1 = Math.max(box.x1, tile.x);
      box.y0 = Math.min(box.y0, tile.y);
      box.y1 = Math.max(box.y1, tile.y);
    });
    var together = null;
    var many = (box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1);
    if (container.dataset.viewUrl && list.length > 1 && many <= MOST_TOGETHER) {
      var range = { z: first.z, x: box.x0 + "-" + box.x1, y: box.y0 + "-" + box.y1 };
      var address = tileUrl(container, range, query, container.dataset.viewUrl);
      together = fetchJson(address).then(function (content) {
        var byTile = new Map();
        content.tiles.forEach(function (tile) {
          byTile.set(tile.tile.join("/"), tile);
        });
        return byTile;
      });
    }
    list.forEach(function (tile) {
      var answer = together
        ? together.then(function (byTile) {
            var content = byTile.get(tile.z + "/" + tile.x + "/" + tile.y);
            if (!content) {
              throw new Error("missing tile");
            }
            return content;
          })
        : fetchJson(tileUrl(container, tile, query));
      answer.catch(function () {}); // a failure is the map's to tell, when it takes it
      answers.set(tileUrl(container, tile, query), answer);
    });
  }

  function askFirstTiles(container) {
    // The map shown (its size decides the view), its first view worked out and that
    // view's tiles asked, in one request; `init` takes both.
    reveal(container);
    var view = firstView(container);
    var answers = new Map();
    askTogether(container, tilesOf(viewBounds(container, view), view.zoom, 0), answers);
    early.set(container, { view: view, answers: answers });
  }

  // Marker boxes, in CSS pixels: a point's tap target, and clusters by their count.
  var POINT_SIZE = 44;
  // Pixels kept between two boxes: a disc's ring (2 px of shadow, map.css) on each side,
  // and 2 px clear whatever Leaflet's rounding.
  var GAP = 6;
  var CELL = 56 + GAP; // the largest box plus the gap: colliding boxes are in nearby cells

  function boxSize(group) {
    if (group.count === 1) {
      return POINT_SIZE;
    }
    return group.count < 10 ? 44 : group.count < 100 ? 48 : group.count < 1000 ? 52 : 56;
  }

  function collide(a, b) {
    var reach = (boxSize(a) + boxSize(b)) / 2 + GAP;
    return Math.abs(a.x - b.x) < reach && Math.abs(a.y - b.y) < reach;
  }

  function absorb(group, other, place) {
    var count = group.count + other.count;
    group.x = (group.x * group.count + other.x * other.count) / count;
    group.y = (group.y * group.count + other.y * other.count) / count;
    if (place) {
      place(group);
    }
    group.count = count;
    group.points = group.points.concat(other.points);
    group.places = group.places.concat(other.places);
    group.clusters += other.clusters;
    group.index = Math.min(group.index, other.index);
  }

  function declutter(groups, place) {
    // Groups in world pixels of the current zoom: the result does not change when the
    // map pans, so the markers (and an open popup) stay put. Greedy, biggest first,
    // again until no two boxes touch (a merged group moves to its weighted centre, then
    // `place` may move it, to keep it whole in view).
    var list = groups.slice().sort(function (a, b) {
      return b.count - a.count || a.x - b.x || a.y - b.y;
    });
    var merged = true;
    while (merged) {
      merged = false;
      var grid = new Map();
      list.forEach(function (group) {
        var key = Math.floor(group.x / CELL) + ":" + Math.floor(group.y / CELL);
        if (!grid.has(key)) {
          grid.set(key, []);
        }
        grid.get(key).push(group);
      });
      list.forEach(function (group) {
        if (group.gone) {
          return;
        }
        var cx = Math.floor(group.x / CELL);
        var cy = Math.floor(group.y / CELL);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            (grid.get(cx + dx + ":" + (cy + dy)) || []).forEach(function (other) {
              if (other !== group && !other.gone && collide(group, other)) {
                absorb(group, other, place);
                other.gone = true;
                merged = true;
              }
            });
          }
        }
      });
      list = list.filter(function (group) {
        return !group.gone;
      });
    }
    // In the server's order again: the markers' order for the keyboard does not change.
    return list.sort(function (a, b) {
      return a.index - b.index;
    });
  }

  function init(container, options) {
    var hooks = options || {};
    var data = container.dataset;
    var form = document.getElementById(data.filters || "");
    var status = document.getElementById(data.status || "");
    var listLink = document.getElementById(data.listLink || "");
    var numbers = null; // made on the first number of four digits (it costs ~10 ms)
    function formatNumber(count) {
      if (count < 1000) {
        return String(count); // no digit grouping below a thousand, in any language here
      }
      numbers = numbers || new Intl.NumberFormat(document.documentElement.lang || undefined);
      return numbers.format(count);
    }
    var controller = null;
    var pending = 0;
    var start = early.get(container);
    early.delete(container);
    if (!start) {
      reveal(container);
      start = { view: firstView(container), answers: new Map() };
    }

    var map = L.map(container, {
      zoomControl: false,
      // The page scrolls with the wheel; the map zooms with its buttons, +/- and pinch.
      scrollWheelZoom: false,
      keyboardPanDelta: 120
    });
    L.control
      .zoom({ zoomInTitle: data.labelZoomIn, zoomOutTitle: data.labelZoomOut })
      .addTo(map);
    map.attributionControl.setPrefix(false);
    // The credits from the start: the first markers are placed clear of them.
    map.attributionControl.addAttribution(data.attribution);
    // The background map comes once the first markers are painted (or failed to come):
    // its images would otherwise be asked, made and drawn before them, and on a slow
    // network share the line with them. What the map is for shows first.
    var background = L.tileLayer(data.tiles, { maxZoom: 19 });
    var backgroundSoon = false;
    function withBackground() {
      if (!backgroundSoon) {
        backgroundSoon = true;
        afterPaint(function () {
          background.addTo(map);
        });
      }
    }
    window.setTimeout(withBackground, BACKGROUND_AT_THE_LATEST);
    var layer = L.layerGroup().addTo(map);

    map.setView([start.view.lat, start.view.lon], start.view.zoom);

    function say(text, isError) {
      if (!status) {
        return;
      }
      status.textContent = text;
      status.classList.toggle("map-status-error", Boolean(isError));
    }

    function filters() {
      return formFilters(form);
    }

    function itemUrl(id) {
      return data.itemUrl.replace("{id}", encodeURIComponent(id));
    }

    function popupContent(properties) {
      // Built from nodes, never from HTML strings: titles are typed by contributors.
      var box = document.createElement("div");
      box.className = "map-popup";
      var title = document.createElement("span");
      title.className = "map-popup-title";
      title.textContent = properties.title;
      var category = document.createElement("span");
      category.className = "map-popup-category";
      category.textContent = properties.category;
      var link = document.createElement("a");
      link.href = itemUrl(properties.id);
      link.textContent = data.labelOpen;
      box.append(title, category, link);
      return box;
    }

    function labelled(marker, label) {
      // Leaflet makes keyboard-focusable markers buttons; give them a name.
      marker.on("add", function () {
        var element = marker.getElement();
        if (element) {
          element.setAttribute("aria-label", label);
        }
      });
      return marker;
    }

    function activatedByKeys(marker, action, keys) {
      // Markers are buttons for assistive technologies: Enter and Space press them.
      var accepted = keys || ["Enter", " "];
      marker.on("keydown", function (event) {
        if (accepted.indexOf(event.originalEvent.key) !== -1) {
          event.originalEvent.preventDefault();
          action();
        }
      });
    }

    function listContent(points) {
      // Items at one place (an obscured point is rounded to about 1 km): no zoom parts
      // them, so the group lists them.
      var box = document.createElement("div");
      box.className = "map-popup";
      var list = document.createElement("ul");
      list.className = "map-popup-list";
      points.forEach(function (feature) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = itemUrl(feature.properties.id);
        link.textContent = feature.properties.title;
        var category = document.createElement("span");
        category.className = "map-popup-category";
        category.textContent = feature.properties.category;
        item.append(link, category);
        list.append(item);
      });
      box.append(list);
      return box;
    }

    function latLngOf(feature) {
      var coordinates = feature.geometry.coordinates;
      return L.latLng(coordinates[1], coordinates[0]);
    }

    // The count of the group just tapped: if the next view shows it whole again (its
    // items still too close), the map goes closer by itself, so a tap always parts it.
    var drilling = 0;

    function closer(group) {
      var zoom = map.getZoom();
      var deepest = map.getMaxZoom();
      drilling = group.count;
      if (group.places.length === 1) {
        // One group of the server: its items are somewhere around; closer.
        map.setView(map.unproject([group.x, group.y], zoom), Math.min(zoom + 2, deepest));
        return;
      }
      // Markers merged here: as deep as still shows them all, which parts them.
      var bounds = L.latLngBounds(group.places);
      var fit = map.getBoundsZoom(bounds.pad(0.2));
      map.setView(bounds.getCenter(), clamp(fit, zoom + 1, deepest));
    }

    function clusterMarker(group) {
      var size = boxSize(group);
      var text = formatNumber(group.count);
      var icon = L.divIcon({
        className: "map-cluster",
        html: "<span>" + text + "</span>",
        iconSize: [size, size]
      });
      var where = map.unproject([group.x, group.y], map.getZoom());
      var onlyPoints = group.clusters === 0;
      var first = onlyPoints ? latLngOf(group.points[0]) : null;
      var onePlace =
        onlyPoints &&
        group.points.every(function (feature) {
          return latLngOf(feature).equals(first);
        });
      var label = format(onePlace ? data.labelPlace : data.labelCluster, { count: text });
      var marker = L.marker(where, { icon: icon, keyboard: true, title: label });
      function zoomIn() {
        closer(group);
      }
      if (onePlace || (onlyPoints && map.getZoom() >= map.getMaxZoom())) {
        marker.bindPopup(function () {
          return listContent(group.points); // made when it opens
        });
        activatedByKeys(marker, function () {
          marker.openPopup();
        }, [" "]);
        return labelled(marker, label);
      }
      marker.on("click", zoomIn);
      activatedByKeys(marker, function () {
        // The cluster goes away with the new view: the keyboard stays on the map.
        container.focus();
        zoomIn();
      });
      return labelled(marker, label);
    }

    function categoryIcon(properties) {
      // One item of a tile: a dot in its category's colour with the category's initial
      // (the colour alone would say nothing to some; the name is in the marker's label).
      var colour = properties.categoryColour >= 0 ? "map-category-c" + (properties.categoryColour % 8) : "";
      var initial = (properties.category || "").trim().charAt(0).toUpperCase();
      var text = document.createElement("span");
      text.textContent = initial;
      return { className: "map-point map-point-category " + colour, html: text.outerHTML };
    }

    function pointMarker(feature) {
      var coordinates = feature.geometry.coordinates;
      var look =
        "categoryColour" in feature.properties
          ? categoryIcon(feature.properties)
          : {
              className: "map-point" + (hooks.pointClass ? " " + hooks.pointClass(feature.properties) : ""),
              html: "<span></span>"
            };
      var marker = L.marker([coordinates[1], coordinates[0]], {
        // A 44 px target around a smaller dot (map.css).
        icon: L.divIcon({ className: look.className, html: look.html, iconSize: [POINT_SIZE, POINT_SIZE] }),
        keyboard: true,
        title: feature.properties.title
      });
      marker.bindPopup(function () {
        return (hooks.popup || popupContent)(feature.properties); // made when it opens
      });
      // Leaflet opens the popup on Enter; a button opens on Space too.
      activatedByKeys(marker, function () {
        marker.openPopup();
      }, [" "]);
      return labelled(
        marker,
        hooks.pointLabel
          ? hooks.pointLabel(feature.properties)
          : format(data.labelPoint, {
              title: feature.properties.title,
              category: feature.properties.category
            })
      );
    }

    // Markers on the map by what they show: those still in the new answer stay (with
    // their open popup and the keyboard focus), the others go.
    var shown = new Map();
    var draws = 0;

    function groupsOf(collection) {
      var zoom = map.getZoom();
      return collection.features.map(function (feature, index) {
        var at = map.project(latLngOf(feature), zoom);
        var isCluster = collection.kind === "clusters";
        return {
          x: at.x,
          y: at.y,
          count: isCluster ? feature.properties.count : 1,
          points: isCluster ? [] : [feature],
          places: [latLngOf(feature)],
          index: index,
          clusters: isCluster ? 1 : 0
        };
      });
    }

    function keyOf(group) {
      if (group.count === 1 && group.points.length === 1) {
        return "p" + group.points[0].properties.id;
      }
      // World pixels at this zoom: the same group keeps its marker when the map pans.
      var where = Math.round(group.x) + "," + Math.round(group.y);
      return "c" + group.count + "@" + map.getZoom() + "/" + where;
    }

    function viewRect() {
      // The part of the world (pixels of this zoom) where a marker is seen whole: the
      // map less its edges.
      var bounds = map.getPixelBounds();
      return { left: bounds.min.x, top: bounds.min.y, right: bounds.max.x, bottom: bounds.max.y };
    }

    function obstacles(rect) {
      // The map's buttons and credits, in world pixels: no number hidden under them.
      var frame = container.getBoundingClientRect();
      return Array.prototype.map.call(
        container.querySelectorAll(".leaflet-control"),
        function (control) {
          var box = control.getBoundingClientRect();
          return {
            left: rect.left + box.left - frame.left - GAP,
            top: rect.top + box.top - frame.top - GAP,
            right: rect.left + box.right - frame.left + GAP,
            bottom: rect.top + box.bottom - frame.top + GAP
          };
        }
      ).filter(function (box) {
        return box.right > box.left && box.bottom > box.top;
      });
    }

    function placer(rect) {
      // Moves a group inside the view, whole, and out from under the controls, by the
      // least distance (at most a few tens of pixels: only groups whose place is in view
      // are drawn).
      var blocked = obstacles(rect);
      return function (group) {
        var half = boxSize(group) / 2 + GAP;
        group.x = clamp(group.x, rect.left + half, rect.right - half);
        group.y = clamp(group.y, rect.top + half, rect.bottom - half);
        blocked.forEach(function (box) {
          if (
            group.x + half <= box.left ||
            group.x - half >= box.right ||
            group.y + half <= box.top ||
            group.y - half >= box.bottom
          ) {
            return;
          }
          var moves = [
            { x: box.right + half - group.x, y: 0 },
            { x: box.left - half - group.x, y: 0 },
            { x: 0, y: box.bottom + half - group.y },
            { x: 0, y: box.top - half - group.y }
          ].filter(function (move) {
            var x = group.x + move.x;
            var y = group.y + move.y;
            return (
              x >= rect.left + half &&
              x <= rect.right - half &&
              y >= rect.top + half &&
              y <= rect.bottom - half
            );
          });
          moves.sort(function (a, b) {
            return Math.abs(a.x) + Math.abs(a.y) - Math.abs(b.x) - Math.abs(b.y);
          });
          if (moves.length) {
            group.x += moves[0].x;
            group.y += moves[0].y;
          }
        });
      };
    }

    function inView(group, rect) {
      return (
        group.x >= rect.left && group.x <= rect.right && group.y >= rect.top && group.y <= rect.bottom
      );
    }

    function arrange(groups, onlyInView) {
      // Merged where they would touch (in world pixels: stable as the map pans); then
      // those whose place is in view (the others are the neighbours' business, or
      // counted beyond the edge by the server) are moved whole into it, and merged
      // again where that made two touch.
      var rect = viewRect();
      var merged = declutter(groups);
      if (onlyInView) {
        merged = merged.filter(function (group) {
          return inView(group, rect);
        });
      }
      var place = placer(rect);
      merged.forEach(place);
      merged.forEach(function (group) {
        delete group.gone;
      });
      return declutter(merged, place);
    }

    function render(groups, total, onlyInView) {
      // `total`: the items in view as the server counted them; else (tiles) those of
      // the groups drawn.
      var next = new Map();
      var grouped = false;
      groups = arrange(groups, onlyInView);
      if (total === null) {
        total = groups.reduce(function (sum, group) {
          return sum + group.count;
        }, 0);
      }
      var middle = map.project(map.getCenter(), map.getZoom());
      var again = groups.filter(function (group) {
        // The group tapped, whole, at the centre where the map went to show it.
        return (
          group.count === drilling &&
          Math.abs(group.x - middle.x) < CELL &&
          Math.abs(group.y - middle.y) < CELL
        );
      })[0];
      drilling = 0;
      if (again && map.getZoom() < map.getMaxZoom()) {
        closer(again);
        return;
      }
      groups.forEach(function (group) {
        var key = keyOf(group);
        var isPoint = key.charAt(0) === "p";
        grouped = grouped || !isPoint;
        var marker = shown.get(key);
        if (!marker) {
          marker = isPoint ? pointMarker(group.points[0]) : clusterMarker(group);
          layer.addLayer(marker);
        }
        if (isPoint) {
          // Where it is, or moved whole into the view (a cluster's key says where).
          var where = map.unproject([group.x, group.y], map.getZoom());
          if (!marker.getLatLng().equals(where, 1e-9)) {
            marker.setLatLng(where);
          }
        }
        next.set(key, marker);
      });
      shown.forEach(function (marker, key) {
        if (!next.has(key)) {
          layer.removeLayer(marker);
        }
      });
      shown = next;
      withBackground();
      var text = formatNumber(total);
      say(
        total === 0 ? data.labelNone : format(total === 1 ? data.labelOne : data.labelMany, { count: text })
      );
      // What the map shows: groups (of the server or merged here), or only points; and
      // how many times it drew (tests and bench/map_browser.py wait for a new drawing).
      container.dataset.kind = grouped ? "clusters" : "points";
      container.dataset.total = String(total);
      draws += 1;
      container.dataset.drawn = String(draws);
    }

    function show(collection) {
      render(groupsOf(collection), collection.total, false);
    }

    // --- By tile ---------------------------------------------------------------------

    var KEPT = 3000; // tiles kept here, the oldest forgotten first
    var tiles = new Map(); // "filters|z/x/y" → the tile's content (or null: failed)
    var asking = new Map(); // the same keys, for tiles under way
    var queue = [];
    var filterKey = "";
    var query = tilesQuery(container); // the tiles' addresses' query, for these filters
    var categories = {};
    try {
      categories = JSON.parse(data.categories || "{}");
    } catch (error) {
      categories = {};
    }

    function boundsAt(zoom) {
      // The view as it would be at another zoom, around the same centre.
      var centre = map.project(map.getCenter(), zoom);
      var half = map.getSize().divideBy(2);
      return L.bounds(centre.subtract(half), centre.add(half));
    }

    function tileKey(tile) {
      return filterKey + "|" + tile.z + "/" + tile.x + "/" + tile.y;
    }

    function keep(key, content) {
      tiles.delete(key);
      tiles.set(key, content);
      if (tiles.size > KEPT) {
        tiles.delete(tiles.keys().next().value);
      }
    }

    function pump() {
      while (asking.size < PARALLEL && queue.length) {
        var tile = queue.shift();
        var key = tileKey(tile);
        if (tiles.has(key) || asking.has(key)) {
          continue;
        }
        fetchTile(tile, key);
      }
    }

    function fetchTile(tile, key) {
      asking.set(key, true);
      // Tiles asked together (the first view's, before the map was made): their answers.
      var url = tileUrl(container, tile, query);
      var asked = start.answers.get(url);
      start.answers.delete(url);
      (asked || fetchJson(url))
        .then(function (content) {
          keep(key, content);
        })
        .catch(function () {
          keep(key, null);
        })
        .finally(function () {
          asking.delete(key);
          if (waiting && waiting.has(key)) {
            waiting.delete(key);
            if (waiting.size === 0) {
              drawTiles();
            }
          }
          pump();
        });
    }

    var waiting = null; // the view's tiles not here yet

    function groupsHere(zoom) {
      // The groups of the view's tiles here and of their neighbours already here: a
      // group just beyond the edge merges with the one it touches as it will when the
      // map moves there.
      var groups = [];
      tilesOf(map.getPixelBounds(), zoom, 1).forEach(function (tile) {
        var content = tiles.get(tileKey(tile));
        if (content) {
          groupsOfTile(content, zoom, groups);
        }
      });
      return groups;
    }

    function groupsOfTile(content, zoom, groups) {
      content.clusters.forEach(function (cluster) {
        var place = L.latLng(cluster[1], cluster[0]);
        var at = map.project(place, zoom);
        groups.push({
          x: at.x,
          y: at.y,
          count: cluster[2],
          points: [],
          places: [place],
          index: groups.length,
          clusters: 1
        });
      });
      content.items.forEach(function (item) {
        var place = L.latLng(item[2], item[1]);
        var at = map.project(place, zoom);
        var category = categories[String(item[3])] || ["", -1];
        groups.push({
          x: at.x,
          y: at.y,
          count: 1,
          points: [
            {
              geometry: { coordinates: [item[1], item[2]] },
              properties: { id: item[0], title: item[4], category: category[0], categoryColour: category[1] }
            }
          ],
          places: [place],
          index: groups.length,
          clusters: 0
        });
      });
    }

    function drawTiles() {
      // Draws from the tiles here if the view's are all here; else asks for those
      // missing and draws when the last comes.
      var zoom = map.getZoom();
      var view = tilesOf(map.getPixelBounds(), zoom, 0);
      var missing = view.filter(function (tile) {
        return !tiles.has(tileKey(tile));
      });
      if (missing.length) {
        waiting = new Set(missing.map(tileKey));
        container.setAttribute("aria-busy", "true");
        say(data.labelLoading);
        // Those not asked yet (a view after its filters changed: all of them), in one
        // request.
        var unasked = missing.filter(function (tile) {
          return !asking.has(tileKey(tile)) && !start.answers.has(tileUrl(container, tile, query));
        });
        if (unasked.length > 1) {
          askTogether(container, unasked, start.answers);
        }
        ask(missing);
        return;
      }
      waiting = null;
      var groups = groupsHere(zoom);
      var failed = view.some(function (tile) {
        return tiles.get(tileKey(tile)) === null;
      });
      render(groups, null, true);
      container.removeAttribute("aria-busy");
      if (failed) {
        say(data.labelError, true);
        // Asked again at the next move.
        view.forEach(function (tile) {
          if (tiles.get(tileKey(tile)) === null) {
            tiles.delete(tileKey(tile));
          }
        });
      }
      aheadAfterPaint();
    }

    var aheadSoon = false;
    function aheadAfterPaint() {
      // The tiles ahead are asked once this view is painted: their requests, and the
      // server's answers on the same machine's cores, would otherwise delay its first
      // frame. Not if the map has moved meanwhile to a view still waiting for its tiles
      // (its last tile's drawing asks them).
      if (aheadSoon) {
        return;
      }
      aheadSoon = true;
      afterPaint(function () {
        aheadSoon = false;
        if (waiting === null) {
          ahead();
        }
      });
    }

    function ask(list) {
      // What is asked now goes first; what was queued before and is still wanted after.
      var seen = new Set();
      queue = list.concat(queue).filter(function (tile) {
        var key = tileKey(tile);
        if (seen.has(key) || tiles.has(key)) {
          return false;
        }
        seen.add(key);
        return true;
      });
      pump();
    }

    function ahead() {
      // The tiles a next gesture needs: around the view (a pan: up to half the view each
      // way, two tiles at most), the next zoom in and out (their view around the same
      // centre). Replaces what was queued ahead before.
      var zoom = map.getZoom();
      var size = map.getSize();
      var reach = [
        Math.min(2, Math.ceil(size.x / 2 / TILE)),
        Math.min(2, Math.ceil(size.y / 2 / TILE))
      ];
      var list = tilesOf(map.getPixelBounds(), zoom, reach);
      if (zoom > map.getMinZoom()) {
        list = list.concat(tilesOf(boundsAt(zoom - 1), zoom - 1, 0));
      }
      if (zoom < map.getMaxZoom()) {
        list = list.concat(tilesOf(boundsAt(zoom + 1), zoom + 1, 0));
      }
      queue = [];
      ask(list);
    }

    function loadTiles() {
      var key = filters().toString();
      if (key !== filterKey) {
        filterKey = key;
        query = tilesQuery(container);
        queue = [];
      }
      drawTiles();
    }

    function bbox() {
      var bounds = map.getBounds();
      var west = clamp(bounds.getWest(), -180, 180);
      var east = clamp(bounds.getEast(), -180, 180);
      var south = clamp(bounds.getSouth(), -90, 90);
      var north = clamp(bounds.getNorth(), -90, 90);
      if (east <= west) {
        east = Math.min(west + 1e-5, 180);
      }
      if (north <= south) {
        north = Math.min(south + 1e-5, 90);
      }
      return [west, south, east, north]
        .map(function (value) {
          return value.toFixed(5);
        })
        .join(",");
    }

    function load() {
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var params = filters();
      params.set("bbox", bbox());
      params.set("zoom", String(Math.round(map.getZoom())));
      var request = ++pending;
      container.setAttribute("aria-busy", "true");
      say(data.labelLoading);
      fetch(data.url + "?" + params.toString(), {
        signal: controller.signal,
        headers: { Accept: "application/geo+json" }
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (collection) {
          if (request === pending) {
            show(collection);
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            withBackground();
            say(data.labelError, true);
          }
        })
        .finally(function () {
          if (request === pending) {
            container.removeAttribute("aria-busy");
          }
        });
    }

    function filtersChanged() {
      // The address (and the list link) keep the filters: a shared link shows the same.
      var params = filters();
      var query = params.toString();
      if (listLink) {
        listLink.href = listLink.href.split("?")[0] + (query ? "?" + query : "");
      }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
      refresh();
    }

    if (form) {
      form.addEventListener("change", filtersChanged);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        filtersChanged();
      });
    }
    var refresh = data.tileUrl ? loadTiles : load;
    map.on("moveend", refresh);
    var resizing = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(function () {
        fitScreen(container);
        map.invalidateSize();
      }, 150);
    });
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && data.labelClose) {
        close.setAttribute("aria-label", data.labelClose);
        close.setAttribute("title", data.labelClose);
      }
    });
    if (hooks.ready) {
      hooks.ready(map);
    }
    refresh();
  }

  window.TissageMap = { init: init, format: format };

  if (document.readyState !== "loading") {
    document.querySelectorAll("[data-inventory-map][data-tile-url]").forEach(askFirstTiles);
  }

  // This script runs before Leaflet on the inventory map (deferred scripts run in order,
  // then DOMContentLoaded comes), after it where another map reuses it.
  function whenLeaflet(fn) {
    if (window.L) {
      ready(fn);
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  whenLeaflet(function () {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-inventory-map]").forEach(function (container) {
      init(container);
    });
  });
})();
