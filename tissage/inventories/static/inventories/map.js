/* The public map of an inventory campaign (Leaflet).
 *
 * Everything comes from data- attributes of #inventory-map (no inline script: strict
 * CSP): data-url (the GeoJSON endpoint), data-item-url (an item's address, "{id}" to
 * replace), data-tiles / data-attribution, data-bbox (west,south,east,north to show
 * first) and the texts (data-label-*), translated by the template.
 *
 * The map asks only for what is in view, at the current zoom, with the filters of the
 * form; the server answers with points, or clusters that add up to the total.
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

  function init(container) {
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
    if (start) {
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

    function clusterMarker(feature) {
      var count = feature.properties.count;
      var size = count < 10 ? 34 : count < 100 ? 40 : count < 1000 ? 48 : 56;
      var text = numbers.format(count);
      var icon = L.divIcon({
        className: "map-cluster",
        html: "<span>" + text + "</span>",
        iconSize: [size, size]
      });
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: icon,
        keyboard: true,
        title: format(data.labelCluster, { count: text })
      });
      function zoomIn() {
        map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
      }
      marker.on("click", zoomIn);
      activatedByKeys(marker, function () {
        // The cluster goes away with the new view: the keyboard stays on the map.
        container.focus();
        zoomIn();
      });
      return labelled(marker, format(data.labelCluster, { count: text }));
    }

    function pointMarker(feature) {
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: L.divIcon({ className: "map-point", iconSize: [20, 20] }),
        keyboard: true,
        title: feature.properties.title
      });
      marker.bindPopup(popupContent(feature.properties));
      // Leaflet opens the popup on Enter; a button opens on Space too.
      activatedByKeys(marker, function () {
        marker.openPopup();
      }, [" "]);
      return labelled(
        marker,
        format(data.labelPoint, {
          title: feature.properties.title,
          category: feature.properties.category
        })
      );
    }

    // Markers on the map by what they show: those still in the new answer stay (with
    // their open popup and the keyboard focus), the others go.
    var shown = new Map();

    function keyOf(kind, feature) {
      if (kind === "points") {
        return "p" + feature.properties.id;
      }
      return "c" + feature.properties.count + "@" + feature.geometry.coordinates.join(",");
    }

    function show(collection) {
      var next = new Map();
      collection.features.forEach(function (feature) {
        var key = keyOf(collection.kind, feature);
        var marker = shown.get(key);
        if (!marker) {
          marker =
            collection.kind === "clusters" ? clusterMarker(feature) : pointMarker(feature);
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
      container.dataset.kind = collection.kind;
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
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && data.labelClose) {
        close.setAttribute("aria-label", data.labelClose);
        close.setAttribute("title", data.labelClose);
      }
    });
    load();
  }

  ready(function () {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-inventory-map]").forEach(init);
  });
})();
