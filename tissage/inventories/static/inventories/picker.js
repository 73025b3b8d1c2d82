/* The location picker of the contribution form (Leaflet): tap the map, or use the
 * device's position, to fill the longitude and latitude inputs.
 *
 * It enhances a <fieldset data-location-picker> holding #id_longitude and
 * #id_latitude; without JavaScript those inputs (and the commune and address) are
 * the form. The inputs stay visible: typing coordinates moves the marker.
 *
 * Read from the fieldset: data-bbox (west,south,east,north to show first),
 * data-tiles, data-attribution, and the texts data-label-map (the map's name),
 * data-label-locate (the button), data-label-locating, data-label-located,
 * data-label-locate-error and data-label-placed (announced in the page).
 *
 * Listens to "tissage:step-shown" on the fieldset (sent by steps.js when it shows it).
 */
(function () {
  "use strict";

  var DECIMALS = 6;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function parseBox(text) {
    var parts = (text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    return L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
  }

  // A plain number of degrees (a decimal comma too). Degrees-minutes-seconds and whole
  // points are read by the server (territories/geography.py); the marker waits for them.
  function number(input) {
    var text = String(input.value).trim();
    if (!/^[-+]?\d+(?:[.,]\d+)?$/.test(text)) {
      return null;
    }
    return parseFloat(text.replace(",", "."));
  }

  // "43.8370, 4.3601" as map apps copy a point, latitude first; split as the server does
  // (territories/geography.py, parse_point). "44,0503" alone is one number with a
  // decimal comma, not a point: a comma separates two numbers only when a space follows
  // it, or when the numbers have decimal dots ("43.8370,4.3601").
  var DEGREES = /^[-+]?\d+(?:[.,]\d+)?$/;

  function pastedPoint(text) {
    text = String(text).trim();
    var parts = null;
    if (text.indexOf(";") >= 0) {
      parts = text.split(";");
    } else if (text.split(/,\s+|\s+/).length === 2) {
      parts = text.split(/,\s+|\s+/);
    } else if ((text.match(/,/g) || []).length === 1 && text.indexOf(".") >= 0) {
      parts = text.split(",");
    }
    if (!parts || parts.length !== 2) {
      return null;
    }
    parts = parts.map(function (part) { return part.trim(); });
    return DEGREES.test(parts[0]) && DEGREES.test(parts[1]) ? parts : null;
  }

  function init(fieldset) {
    var data = fieldset.dataset;
    var lonInput = fieldset.querySelector("#id_longitude");
    var latInput = fieldset.querySelector("#id_latitude");
    if (!lonInput || !latInput) {
      return;
    }

    // The help written for a page without a map becomes the one for this map.
    var help = fieldset.querySelector("p.help[data-with-map]");
    if (help) {
      help.textContent = help.dataset.withMap;
    }

    var tools = document.createElement("div");
    tools.className = "picker-tools";
    var locate = document.createElement("button");
    locate.type = "button";
    locate.className = "button button-secondary";
    locate.textContent = data.labelLocate || "";
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    tools.append(locate, status);

    var container = document.createElement("div");
    container.className = "picker-map";
    container.setAttribute("role", "region");
    if (data.labelMap) {
      container.setAttribute("aria-label", data.labelMap);
    }

    // At the top of the fieldset, after its legend (which must stay its first child)
    // and the help that goes with it.
    var anchor = fieldset.querySelector(":scope > legend");
    if (anchor && anchor.nextElementSibling && anchor.nextElementSibling.matches("p.help")) {
      anchor = anchor.nextElementSibling;
    }
    if (anchor) {
      anchor.after(container, tools);
    } else {
      fieldset.prepend(container, tools);
    }
    if (container.clientHeight === 0) {
      // The page did not load map.css: give the map a height all the same.
      container.style.height = "18rem";
    }

    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    map.attributionControl.setPrefix(false);
    var start = parseBox(data.bbox);
    if (start) {
      map.fitBounds(start);
    } else {
      map.setView([46.6, 2.4], 5); // metropolitan France
    }

    // Shown again after being hidden (a step of the form on a phone, steps.js): the map
    // measures its box again, which it cannot do while hidden.
    fieldset.addEventListener("tissage:step-shown", function () {
      map.invalidateSize();
    });

    var marker = null;

    function say(text) {
      status.textContent = text || "";
    }

    function show(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
        return;
      }
      marker = L.marker(latlng, {
        icon: L.divIcon({ className: "leaflet-div-icon picker-marker", iconSize: [22, 22] }),
        draggable: true,
        // The inputs are the keyboard's way; the marker is no extra tab stop.
        keyboard: false
      }).addTo(map);
      marker.on("dragend", function () {
        fill(marker.getLatLng());
        say(data.labelPlaced);
      });
    }

    function fill(latlng) {
      show(latlng);
      lonInput.value = latlng.lng.toFixed(DECIMALS);
      latInput.value = latlng.lat.toFixed(DECIMALS);
      // Others listen (the duplicate check asks the server on change).
      [lonInput, latInput].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    function fromInputs() {
      var lon = number(lonInput);
      var lat = number(latInput);
      if (lon === null || lat === null || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
        return;
      }
      var latlng = L.latLng(lat, lon);
      show(latlng);
      if (!map.getBounds().contains(latlng)) {
        map.panTo(latlng);
      }
    }

    map.on("click", function (event) {
      fill(event.latlng.wrap());
      say(data.labelPlaced);
    });
    lonInput.addEventListener("input", fromInputs);
    latInput.addEventListener("input", fromInputs);
    // A point pasted whole into one box goes to both.
    [lonInput, latInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var pasted = pastedPoint(input.value);
        if (pasted) {
          latInput.value = pasted[0];
          lonInput.value = pasted[1];
          fromInputs();
        }
      });
    });

    locate.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        say(data.labelLocateError);
        return;
      }
      say(data.labelLocating);
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          locate.disabled = false;
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          fill(latlng);
          map.setView(latlng, Math.max(map.getZoom(), 17));
          say(data.labelLocated);
        },
        function () {
          locate.disabled = false;
          say(data.labelLocateError);
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });

    // A form shown again (after an error) keeps its point.
    if (number(lonInput) !== null && number(latInput) !== null) {
      fromInputs();
      if (marker) {
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
      }
    }
  }

  ready(function () {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-location-picker]").forEach(init);
  });
})();
