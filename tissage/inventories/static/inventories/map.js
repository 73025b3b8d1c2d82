/* The public map of an inventory campaign (Leaflet).
 *
 * Everything comes from data- attributes of #inventory-map (no inline script: strict
 * CSP): data-url (the GeoJSON endpoint), data-item-url (an item's address, "{id}" to
 * replace), data-tiles / data-attribution, data-bbox (west,south,east,north to show
 * first) and the texts (data-label-*), translated by the template.
 *
 * The map asks only for what is in view, at the current zoom, with the filters of the
 * form; the server answers with points, or clusters that add up to the total. Whatever
 * it answers, markers whose boxes would touch at the current zoom are merged here into
 * one group (`declutter`): no heap of overlapping markers, every target at least 44 px.
 *
 * An address ending in #map=ZOOM/LAT/LON (the item page's link) opens the map there.
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
    var parts = (text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    return L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
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
    return { zoom: clamp(Number(match[1]), 0, 19), center: L.latLng(lat, lon) };
  }

  // Marker boxes, in CSS pixels: a point's tap target, and clusters by their count.
  var POINT_SIZE = 44;
  var GAP = 2; // pixels kept between two boxes, whatever Leaflet's rounding
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

  function absorb(group, other) {
    var count = group.count + other.count;
    group.x = (group.x * group.count + other.x * other.count) / count;
    group.y = (group.y * group.count + other.y * other.count) / count;
    group.count = count;
    group.points = group.points.concat(other.points);
    group.places = group.places.concat(other.places);
    group.clusters += other.clusters;
    group.index = Math.min(group.index, other.index);
  }

  function declutter(groups) {
    // Groups in world pixels of the current zoom: the result does not change when the
    // map pans, so the markers (and an open popup) stay put. Greedy, biggest first,
    // again until no two boxes touch (a merged group moves to its weighted centre).
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
                absorb(group, other);
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
    var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var controller = null;
    var pending = 0;
    // Hidden until now, so that a page without JavaScript shows no empty box.
    container.hidden = false;
    var keys = document.getElementById(container.getAttribute("aria-describedby") || "");
    if (keys) {
      keys.hidden = false;
    }

    // On a phone the map fills the screen below what precedes it, less a strip that
    // shows the page goes on (and that a finger can scroll by: the map takes drags).
    var phone = window.matchMedia("(max-width: 39.99em)");
    function fitScreen() {
      if (phone.matches) {
        var top = container.getBoundingClientRect().top + window.scrollY;
        container.style.height = Math.max(320, window.innerHeight - top - 48) + "px";
      } else {
        container.style.height = "";
      }
    }
    fitScreen();

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
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var layer = L.layerGroup().addTo(map);

    var start = parseBox(data.bbox);
    var view = parseView(window.location.hash);
    if (view) {
      map.setView(view.center, view.zoom);
    } else if (start) {
      map.fitBounds(start, { maxZoom: 15 });
    } else {
      map.setView([46.6, 2.4], 5); // metropolitan France
    }

    function say(text, isError) {
      if (!status) {
        return;
      }
      status.textContent = text;
      status.classList.toggle("map-status-error", Boolean(isError));
    }

    function filters() {
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
      var text = numbers.format(group.count);
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
        marker.bindPopup(listContent(group.points));
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

    function pointMarker(feature) {
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        // A 44 px target around a smaller dot (map.css).
        icon: L.divIcon({
          className: "map-point" + (hooks.pointClass ? " " + hooks.pointClass(feature.properties) : ""),
          html: "<span></span>",
          iconSize: [POINT_SIZE, POINT_SIZE]
        }),
        keyboard: true,
        title: feature.properties.title
      });
      marker.bindPopup((hooks.popup || popupContent)(feature.properties));
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

    function show(collection) {
      var next = new Map();
      var grouped = false;
      var groups = declutter(groupsOf(collection));
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
        next.set(key, marker);
      });
      shown.forEach(function (marker, key) {
        if (!next.has(key)) {
          layer.removeLayer(marker);
        }
      });
      shown = next;
      var total = numbers.format(collection.total);
      say(
        collection.total === 0
          ? data.labelNone
          : format(collection.total === 1 ? data.labelOne : data.labelMany, { count: total })
      );
      // What the map shows: groups (of the server or merged here), or only points.
      container.dataset.kind = grouped ? "clusters" : "points";
      container.dataset.total = String(collection.total);
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
      load();
    }

    if (form) {
      form.addEventListener("change", filtersChanged);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        filtersChanged();
      });
    }
    map.on("moveend", load);
    var resizing = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(function () {
        fitScreen();
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
    load();
  }

  window.TissageMap = { init: init, format: format };

  ready(function () {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-inventory-map]").forEach(function (container) {
      init(container);
    });
  });
})();
