/* The share block (core/share.html): shows "Copy the link" where the browser can write to
 * the clipboard and "Share…" where it has a share menu (navigator.share), and does them.
 * Without JavaScript the link stays shown as text, with the email link beside it.
 */
(function () {
  "use strict";

  function init(block) {
    var data = block.dataset;
    var status = block.querySelector("[data-share-status]");
    var copy = block.querySelector("[data-share-copy]");
    var native = block.querySelector("[data-share-native]");
    var field = block.querySelector(".share-link");

    function tell(message) {
      status.textContent = message;
    }

    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(data.shareUrl).then(
          function () { tell(data.shareCopied); },
          function () {
            tell(data.shareFailed);
            if (field) { field.select(); }
          }
        );
      });
    }
    if (native && typeof navigator.share === "function") {
      native.hidden = false;
      native.addEventListener("click", function () {
        // Closing the menu without sharing rejects the promise: nothing to say then.
        navigator.share({ title: data.shareTitle, url: data.shareUrl }).catch(function () {});
      });
    }
  }

  function ready() {
    document.querySelectorAll("[data-share]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
