/* The map of the actions shown on an agenda page (Leaflet).
 *
 * No inline script (strict CSP): the tiles come from data- attributes of #agenda-map,
 * the points from the cards of the list (data-lat, data-lon, and their title link).
 * Without JavaScript, or when no action on the page has a place, the map stays hidden
 * and the list says everything.
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

  function init(container) {
    if (typeof L === "undefined") {
      return;
    }
    var data = container.dataset;
    var points = [];
    document.querySelectorAll("[data-agenda-card]").forEach(function (card) {
      var lat = parseFloat(card.dataset.lat);
      var lon = parseFloat(card.dataset.lon);
      var link = card.querySelector("a");
      if (!isNaN(lat) && !isNaN(lon) && link) {
        points.push({ lat: lat, lon: lon, title: link.textContent, url: link.href });
      }
    });
    if (!points.length) {
      return;
    }
    container.hidden = false;
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
  }

  ready(function () {
    var container = document.getElementById("agenda-map");
    if (container) {
      init(container);
    }
  });
})();
