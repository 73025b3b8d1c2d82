/* Photos of the contribution form on a weak connection: each photo is made smaller in
   the browser (at most the size the server keeps: sending more is waste) and sent as
   soon as it is chosen, with a progress bar, while the person fills in the rest. The
   server keeps it for this form (its submission key) and sends back the list of kept
   photos; the file input is then emptied, so the form itself carries no photo.

   If sending fails, the smaller photos stay in the file input and go with the form.
   Without JavaScript, photos go with the form and are kept if it comes back with an
   error (contributions/staging.py). The server checks, resizes and strips every photo
   whatever this script did. */
(function () {
  "use strict";

  var MAX_SIDE = 2048; // core/photos.py MAX_SIDE
  var SMALL_ENOUGH = 1.5 * 1024 * 1024; // sent as it is below this, if not too large
  var SHRINKABLE = ["image/jpeg", "image/png", "image/webp"];

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // The photo at most MAX_SIDE pixels, as a new File; the file itself when it is small
  // already or the browser cannot read it (HEIC in most browsers).
  function shrink(file) {
    if (SHRINKABLE.indexOf(file.type) < 0 || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size <= SMALL_ENOUGH) {
        bitmap.close();
        return file;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      var type = file.type === "image/png" ? "image/png" : "image/jpeg";
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) {
            resolve(file);
            return;
          }
          var name = type === "image/jpeg" ? file.name.replace(/\.[^.]*$/, "") + ".jpg" : file.name;
          resolve(new File([blob], name, { type: type, lastModified: file.lastModified }));
        }, type, 0.85);
      });
    }).catch(function () {
      return file;
    });
  }

  ready(function () {
    var input = document.querySelector("#id_photos");
    var form = input && input.form;
    if (!form || !form.dataset.stageUrl || !window.FormData || !window.DataTransfer) {
      return;
    }
    var key = form.querySelector("input[name=submission_key]");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    var button = form.querySelector("button[type=submit]");
    var buttonLabel = button ? button.textContent : "";
    var status = document.createElement("div");
    status.className = "photo-upload";
    status.setAttribute("aria-live", "polite");
    var bar = document.createElement("progress");
    bar.className = "photo-progress";
    bar.max = 100;
    bar.hidden = true;
    var words = document.createElement("p");
    words.className = "help";
    status.append(bar, words);
    input.closest(".field").after(status);
    var busy = false;

    function setBusy(value) {
      busy = value;
      bar.hidden = !value;
      if (button) {
        button.disabled = value;
        button.textContent = value ? form.dataset.labelWaitPhotos : buttonLabel;
      }
    }

    function keptCount() {
      var list = document.querySelectorAll("#staged-photos input[name=remove_photos]");
      return Array.prototype.filter.call(list, function (box) { return !box.checked; }).length;
    }

    // One sending to the server: new photos and/or a kept one taken off.
    function send(fields, files) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrf.value);
      data.append("submission_key", key.value);
      fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
      files.forEach(function (file) { data.append("photos", file, file.name); });
      return new Promise(function (resolve, reject) {
        var request = new XMLHttpRequest();
        request.open("POST", form.dataset.stageUrl);
        request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) {
            bar.value = Math.round((event.loaded / event.total) * 100);
            words.textContent = form.dataset.labelUploading + " " + bar.value + " %";
          }
        });
        request.addEventListener("load", function () {
          if (request.status === 200) {
            resolve(request.responseText);
          } else if (request.status === 400) {
            // Nothing kept (the page is too old): say why, the photos stay in the input.
            showKept(request.responseText);
            reject(new Error("400"));
          } else {
            reject(new Error(String(request.status)));
          }
        });
        request.addEventListener("error", reject);
        request.addEventListener("abort", reject);
        request.send(data);
      });
    }

    function showKept(html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("staged-photos");
      var current = document.getElementById("staged-photos");
      if (fresh && current) {
        current.replaceWith(document.adoptNode(fresh));
      }
      var kept = keptCount();
      input.required = kept === 0 && input.dataset.required === "true";
      // Once a photo is kept, the box is for more photos, as the server writes it.
      if (label && form.dataset.labelMorePhotos && form.dataset.labelPhotos) {
        label.textContent =
          (kept ? form.dataset.labelMorePhotos : form.dataset.labelPhotos) + labelSuffix;
      }
    }

    input.dataset.required = input.required || keptCount() > 0 ? "true" : "false";
    var label = form.querySelector("label[for=" + input.id + "]");
    // The language's " :" after a label (Django's label suffix).
    var labelSuffix = label ? (label.textContent.match(/\s*:\s*$/) || [""])[0] : "";

    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files || []);
      if (!chosen.length || busy) {
        return;
      }
      setBusy(true);
      bar.value = 0;
      words.textContent = form.dataset.labelUploading;
      Promise.all(chosen.map(shrink)).then(function (files) {
        // Should sending fail, the smaller photos go with the form.
        var smaller = new DataTransfer();
        files.forEach(function (file) { smaller.items.add(file); });
        input.files = smaller.files;
        return send([], files).then(function (html) {
          input.value = "";
          showKept(html);
          words.textContent = "";
        }, function () {
          words.textContent = form.dataset.labelUploadFailed;
        });
      }).then(function () {
        setBusy(false);
      });
    });

    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("#staged-photos input[name=remove_photos]") || !box.checked || busy) {
        return;
      }
      setBusy(true);
      send([["remove_photos", box.value]], []).then(showKept, function () {
        // Still ticked: the form takes it off when it is sent.
      }).then(function () {
        setBusy(false);
      });
    });

    form.addEventListener("submit", function (event) {
      if (busy) {
        event.preventDefault();
      }
    });
  });
})();
