/* The contribution form while it is sent: photos take long on a rural network. The
   button says so and takes no second tap (the server makes one item per form anyway:
   its submission key). Without JavaScript the form works the same, without the words. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    document.querySelectorAll("form[data-sending-label]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (!button) {
          return;
        }
        // After the submit event: a disabled button would not send the form in Safari.
        window.setTimeout(function () {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
          button.textContent = form.dataset.sendingLabel;
        }, 0);
      });
    });
  });
})();
