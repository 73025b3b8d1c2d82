/* Leaflet (about 45 KB compressed) fetched only when a map is about to be seen (issue #20).
 *
 * Included by core/leaflet_lazy.html, whose <script> tag names Leaflet's files (their
 * hashed static addresses) in data-leaflet-js and data-leaflet-css. The pages' own map
 * scripts call:
 *   tissageLeaflet.load()               a Promise of `L`, the files fetched once;
 *   tissageLeaflet.whenNear(element, fn) fn() once the element comes within half a screen of
 *                                        the view (at once where IntersectionObserver
 *                                        is missing).
 * Under the strict CSP (script-src 'self', style-src 'self'): a <script src> and a
 * <link rel=stylesheet> of our own origin, nothing inline. Without JavaScript nothing
 * changes: the maps stay hidden and the pages' lists and links say everything.
 */
(function () {
  "use strict";

  var own = document.currentScript;
  var files = own ? own.dataset : {};
  var loading = null;

  function fetched(element, parent) {
    return new Promise(function (resolve, reject) {
      element.onload = resolve;
      element.onerror = function () {
        reject(new Error("Leaflet could not be loaded"));
      };
      parent.appendChild(element);
    });
  }

  function load() {
    if (typeof window.L !== "undefined") {
      return Promise.resolve(window.L);
    }
    if (!loading) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = files.leafletCss;
      var script = document.createElement("script");
      script.src = files.leafletJs;
      loading = Promise.all([fetched(link, document.head), fetched(script, document.head)]).then(
        function () {
          return window.L;
        },
        function (error) {
          loading = null; // a later try may work (the connection came back)
          throw error;
        }
      );
    }
    return loading;
  }

  function whenNear(element, fn) {
    if (!("IntersectionObserver" in window)) {
      fn();
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (
          entries.some(function (entry) {
            return entry.isIntersecting;
          })
        ) {
          observer.disconnect();
          fn();
        }
      },
      { rootMargin: "50% 0px" }
    );
    observer.observe(element);
  }

  window.tissageLeaflet = { load: load, whenNear: whenNear };
})();
