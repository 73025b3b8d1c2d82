/* A widget embedded by WordPress through oEmbed (core/widgets.py).
 *
 * WordPress puts the frames of sites it does not know in a sandbox ("allow-scripts"
 * only), where a link cannot open the whole window, and adds "#?secret=…" to the
 * frame's address. Its own script on the host page (wp-embed.js) listens for messages
 * carrying that secret: "link" opens the address in the whole window when it is on the
 * frame's site, "height" sizes the frame. Without that secret (the code pasted from
 * "Embed on a website", any other site) this does nothing and the links open the
 * platform by themselves (<base target="_top">). Nothing here is needed to read the
 * widget. */
(function () {
  "use strict";
  var found = /[#&?]secret=([A-Za-z0-9]+)/.exec(window.location.hash);
  if (!found || window.parent === window) {
    return;
  }
  var secret = found[1];

  function send(message, value) {
    window.parent.postMessage({ message: message, value: value, secret: secret }, "*");
  }

  function sendHeight() {
    send("height", Math.ceil(document.documentElement.getBoundingClientRect().height));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) {
      return;
    }
    event.preventDefault();
    send("link", link.href);
  });
  window.addEventListener("load", sendHeight);
  window.addEventListener("resize", sendHeight);
})();
