/* The small map of an action's meeting point (Leaflet).
 *
 * No inline script (strict CSP): the point and the tiles come from data- attributes of
 * #meeting-map, which stays hidden without JavaScript (or without Leaflet): the address
 * and the "How to get there" links say the same.
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

  function init(container) {
    if (typeof L === "undefined") {
      return;
    }
    var data = container.dataset;
    var lat = parseFloat(data.lat);
    var lon = parseFloat(data.lon);
    if (isNaN(lat) || isNaN(lon)) {
      return;
    }
    var point = L.latLng(lat, lon);
    container.hidden = false;
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

  ready(function () {
    var container = document.getElementById("meeting-map");
    if (container) {
      init(container);
    }
  });
})();
