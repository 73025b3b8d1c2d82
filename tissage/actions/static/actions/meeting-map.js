/* The small map of an action's meeting point (Leaflet).
 *
 * No inline script (strict CSP): the point and the tiles come from data- attributes of
 * #meeting-map, which stays hidden without JavaScript (or without Leaflet): the address
 * and the "How to get there" links say the same. Leaflet is fetched when the map comes
 * near the view (core/leaflet-lazy.js): the page itself costs a phone no map bytes.
 */
(function () {
  "use strict";

  var ZOOM = 15;
  // Panning stays around the point: a small map is no place to get lost in.
  var REACH_METRES = 10000;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function draw(L, container, lat, lon) {
    var data = container.dataset;
    var point = L.latLng(lat, lon);
    var map = L.map(container, {
      center: point,
      zoom: ZOOM,
      minZoom: 13,
      maxZoom: 18,
      maxBounds: point.toBounds(REACH_METRES),
      maxBoundsViscosity: 1,
      // The page scrolls under the wheel; zoom is the buttons', the keyboard's, two fingers'.
      scrollWheelZoom: false
    });
    map.attributionControl.setPrefix(false);
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    // A drawn disc (no marker image to download), not a control: the links are the
    // way to act on the point.
    L.circleMarker(point, {
      className: "meeting-map-point",
      radius: 10,
      color: "#ffffff",
      weight: 3,
      fillColor: "#a3190f",
      fillOpacity: 1,
      interactive: false
    }).addTo(map);
  }

  function init(container) {
    var lat = parseFloat(container.dataset.lat);
    var lon = parseFloat(container.dataset.lon);
    if (isNaN(lat) || isNaN(lon) || !window.tissageLeaflet) {
      return;
    }
    // Its room is kept from the start (meeting-map.css): nothing moves when it is drawn.
    container.hidden = false;
    window.tissageLeaflet.whenNear(container, function () {
      window.tissageLeaflet.load().then(
        function (L) {
          draw(L, container, lat, lon);
        },
        function () {
          container.hidden = true; // the links say where to go
        }
      );
    });
  }

  ready(function () {
    var container = document.getElementById("meeting-map");
    if (container) {
      init(container);
    }
  });
})();
