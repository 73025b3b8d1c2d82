/* The participatory map of a consultation: the inventories' map (inventories/map.js,
 * `window.TissageMap`) with markers coloured by kind, popups that give the kind and the
 * support count, and, while one may take part, a tap on the map (or Enter on the map
 * itself) offering "Add a remark here": a link to the proposal form with the point.
 *
 * Everything comes from data- attributes of #consultation-map (strict CSP: no inline
 * script); the texts are translated by the template.
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

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function setUp(container) {
    var data = container.dataset;
    var format = window.TissageMap.format;

    function kindOf(properties) {
      if (properties.part === "idea") {
        return data.labelIdea + (properties.category ? " · " + properties.category : "");
      }
      return properties.category || data.labelRemark;
    }

    function popup(properties) {
      // Built from nodes, never from HTML strings: titles are typed by inhabitants.
      var box = node("div", "map-popup");
      var link = node("a", null, data.labelOpen);
      link.href = data.itemUrl.replace("{id}", encodeURIComponent(properties.id));
      var count = properties.supports;
      box.append(
        node("span", "map-popup-title", properties.title),
        node("span", "map-popup-category", kindOf(properties)),
        node(
          "span",
          "map-popup-supports",
          format(count === 1 ? data.labelSupport : data.labelSupports, { count: count })
        ),
        link
      );
      return box;
    }

    var offerPopup = L.popup();

    function offer(map, latlng) {
      var point = latlng.wrap();
      var link = node("a", "map-popup-add", data.labelAdd);
      link.href =
        data.proposeUrl +
        "?partie=carte&lat=" +
        point.lat.toFixed(6) +
        "&lon=" +
        point.lng.toFixed(6);
      var box = node("div", "map-popup");
      box.append(link);
      // One popup, moved: a new offer replaces the last (no second link fading out).
      offerPopup.setLatLng(latlng).setContent(box).openOn(map);
      link.focus();
    }

    window.TissageMap.init(container, {
      pointClass: function (properties) {
        return "map-kind-" + properties.colour;
      },
      popup: popup,
      pointLabel: function (properties) {
        return format(data.labelPoint, { title: properties.title, category: kindOf(properties) });
      },
      ready: function (map) {
        if (!data.proposeUrl) {
          return;
        }
        var hint = document.getElementById(data.placeHint || "");
        if (hint) {
          hint.hidden = false;
        }
        map.on("click", function (event) {
          offer(map, event.latlng);
        });
        container.addEventListener("keydown", function (event) {
          // Enter on the map itself (not on a marker or a control): its centre.
          if (event.key === "Enter" && event.target === container) {
            event.preventDefault();
            offer(map, map.getCenter());
          }
        });
      }
    });
  }

  ready(function () {
    if (!window.L || !window.TissageMap) {
      return;
    }
    document.querySelectorAll("[data-consultation-map]").forEach(setUp);
  });
})();
