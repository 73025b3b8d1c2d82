/* "Use the place of the photo": a phone's photo often says where it was taken (GPS in
   its EXIF). Read here, in the browser, from the file the person chose; offered as a
   button, used only if they press it. The server strips every metadata from the photo
   whatever happens (core/photos.py). Without JavaScript, nothing is offered.

   A small reader of our own rather than a library: only the GPS block of a JPEG is
   needed (docs/decisions.md, "The photo's place"). */
(function () {
  "use strict";

  var READ_BYTES = 256 * 1024; // EXIF lives in the first APP1 segment, at the start

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // The GPS position of a JPEG's EXIF, as {lat, lon}, or null.
  function gpsOf(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) {
      return null;
    }
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      var size = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) { // "Exif"
        return tiffGps(view, offset + 10);
      }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) {
        return null; // not a marker, or the image data starts: no EXIF
      }
      offset += 2 + size;
    }
    return null;
  }

  function tiffGps(view, start) {
    if (start + 8 > view.byteLength) {
      return null;
    }
    var little = view.getUint16(start) === 0x4949; // "II"
    function u16(at) { return view.getUint16(start + at, little); }
    function u32(at) { return view.getUint32(start + at, little); }
    function entries(ifd) {
      var found = {};
      if (start + ifd + 2 > view.byteLength) {
        return found;
      }
      var count = u16(ifd);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        if (start + entry + 12 > view.byteLength) {
          break;
        }
        found[u16(entry)] = { type: u16(entry + 2), count: u32(entry + 4), at: entry + 8 };
      }
      return found;
    }
    function rationals(entry) {
      if (!entry || entry.type !== 5 || entry.count !== 3) {
        return null;
      }
      var where = u32(entry.at);
      var parts = [];
      for (var i = 0; i < 3; i++) {
        var denominator = u32(where + i * 8 + 4);
        parts.push(denominator ? u32(where + i * 8) / denominator : 0);
      }
      return parts[0] + parts[1] / 60 + parts[2] / 3600;
    }
    function letter(entry) {
      return entry ? String.fromCharCode(view.getUint8(start + entry.at)) : "";
    }
    var ifd0 = entries(u32(4));
    if (!ifd0[0x8825]) {
      return null;
    }
    var gps = entries(u32(ifd0[0x8825].at));
    var lat = rationals(gps[2]);
    var lon = rationals(gps[4]);
    if (lat === null || lon === null || (lat === 0 && lon === 0)) {
      return null;
    }
    if (letter(gps[1]) === "S") { lat = -lat; }
    if (letter(gps[3]) === "W") { lon = -lon; }
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return { lat: lat, lon: lon };
  }

  ready(function () {
    var input = document.querySelector("#id_photos");
    var lonInput = document.querySelector("#id_longitude");
    var latInput = document.querySelector("#id_latitude");
    var form = input && input.form;
    if (!input || !lonInput || !latInput || !form || !form.dataset.labelPhotoPlace) {
      return;
    }
    var offer = document.createElement("p");
    offer.className = "photo-place";
    offer.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";
    offer.append(button);
    input.closest(".field, p, div").after(offer);

    var found = null;
    button.addEventListener("click", function () {
      if (!found) {
        return;
      }
      latInput.value = found.lat.toFixed(6);
      lonInput.value = found.lon.toFixed(6);
      [lonInput, latInput].forEach(function (box) {
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));
      });
      offer.hidden = true;
      latInput.focus();
    });

    input.addEventListener("change", function () {
      found = null;
      offer.hidden = true;
      var files = Array.prototype.slice.call(input.files || []);
      (function next() {
        var file = files.shift();
        if (!file) {
          return;
        }
        file.slice(0, READ_BYTES).arrayBuffer().then(function (buffer) {
          var place = gpsOf(buffer);
          if (!place) {
            next();
            return;
          }
          found = place;
          button.textContent = form.dataset.labelPhotoPlace;
          offer.hidden = false;
        }, next);
      })();
    });
  });
})();
