/* The home page's map of what happens on the territory (Leaflet).
 *
 * No inline script (strict CSP): tiles and points come from data- attributes of
 * #home-map (points as JSON: kind, latitude, longitude, label, url, count). Without
 * JavaScript the map's section stays hidden and the lists above say everything. Leaflet
 * is fetched when the map comes near the view (core/leaflet-lazy.js): below the first
 * screen of a phone, a visitor who does not scroll down pays no map bytes.
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

  function popupFor(point) {
    var popup = document.createElement("div");
    popup.className = "home-map-popup";
    var anchor = document.createElement("a");
    anchor.href = point.url;
    anchor.textContent = point.label;
    popup.appendChild(anchor);
    return popup;
  }

  function iconFor(point, numbers) {
    if (point.kind === "items") {
      var size = point.count < 10 ? 34 : point.count < 100 ? 40 : point.count < 1000 ? 46 : 52;
      var span = document.createElement("span");
      span.textContent = numbers.format(point.count);
      return L.divIcon({ className: "home-marker home-marker-items", html: span, iconSize: [size, size] });
    }
    return L.divIcon({ className: "home-marker home-marker-" + point.kind, iconSize: [22, 22] });
  }

  function draw(L, container, points) {
    var data = container.dataset;
    var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var map = L.map(container, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var title = point.kind === "items" ? point.label + " (" + numbers.format(point.count) + ")" : point.label;
      L.marker([point.latitude, point.longitude], {
        icon: iconFor(point, numbers),
        keyboard: true,
        title: title,
        // Actions on top: they are what one can do next.
        zIndexOffset: point.kind === "action" ? 1000 : 0
      })
        .bindPopup(popupFor(point))
        .addTo(map);
      bounds.push([point.latitude, point.longitude]);
    });
    map.fitBounds(bounds, { maxZoom: 13, padding: [24, 24] });
  }

  function init(section, container) {
    var points;
    try {
      points = JSON.parse(container.dataset.points || "[]");
    } catch (error) {
      return;
    }
    if (!points.length || !window.tissageLeaflet) {
      return;
    }
    // The section takes its room at once (home.css gives the map its height).
    section.hidden = false;
    window.tissageLeaflet.whenNear(container, function () {
      window.tissageLeaflet.load().then(
        function (L) {
          draw(L, container, points);
        },
        function () {
          section.hidden = true; // the lists above say everything
        }
      );
    });
  }

  ready(function () {
    var section = document.getElementById("home-map-section");
    var container = document.getElementById("home-map");
    if (section && container) {
      init(section, container);
    }
  });
})();
