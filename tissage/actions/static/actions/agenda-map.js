/* The map of the actions shown on an agenda page, opened on demand (Leaflet).
 *
 * No inline script (strict CSP): the tiles come from data- attributes of #agenda-map,
 * the points from the cards of the list (data-lat, data-lon, and their title link).
 * The list is the page: the map is closed at first, and Leaflet (core/leaflet-lazy.js)
 * is fetched only when someone presses "Show on a map" (#agenda-map-toggle, shown here
 * when an action of the page has a place). Without JavaScript the button and the map
 * stay hidden and the list says everything.
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

  function placedCards() {
    var points = [];
    document.querySelectorAll("[data-agenda-card]").forEach(function (card) {
      var lat = parseFloat(card.dataset.lat);
      var lon = parseFloat(card.dataset.lon);
      var link = card.querySelector("a");
      if (!isNaN(lat) && !isNaN(lon) && link) {
        points.push({ lat: lat, lon: lon, title: link.textContent, url: link.href });
      }
    });
    return points;
  }

  function draw(L, container, points) {
    var data = container.dataset;
    var map = L.map(container, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var popup = document.createElement("div");
      popup.className = "agenda-map-popup";
      var anchor = document.createElement("a");
      anchor.href = point.url;
      anchor.textContent = point.title;
      popup.appendChild(anchor);
      L.circleMarker([point.lat, point.lon], {
        className: "agenda-map-point",
        radius: 9,
        color: "#ffffff",
        weight: 3,
        fillColor: "#a3190f",
        fillOpacity: 1
      })
        .bindPopup(popup)
        .addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(bounds, { maxZoom: 14, padding: [24, 24] });
    return map;
  }

  function init(button, container) {
    var points = placedCards();
    if (!points.length || !window.tissageLeaflet) {
      return;
    }
    var map = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      var opening = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", opening ? "true" : "false");
      container.hidden = !opening;
      if (!opening) {
        return;
      }
      if (map) {
        map.invalidateSize();
        return;
      }
      container.setAttribute("aria-busy", "true");
      window.tissageLeaflet.load().then(
        function (L) {
          container.removeAttribute("aria-busy");
          if (!map) {
            map = draw(L, container, points);
          }
        },
        function () {
          // No network: closed again, the list is still there; a later press tries again.
          container.removeAttribute("aria-busy");
          container.hidden = true;
          button.setAttribute("aria-expanded", "false");
        }
      );
    });
  }

  ready(function () {
    var button = document.getElementById("agenda-map-toggle");
    var container = document.getElementById("agenda-map");
    if (button && container) {
      init(button, container);
    }
  });
})();
