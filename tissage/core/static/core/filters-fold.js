/* Filters folded behind a button on phones ("Filter (2)"): the map or the list first.
 *
 * Markup (no inline script: strict CSP): a [data-filters-fold] box holding a
 * button.filters-toggle (aria-controls: the form's id; data-label, and data-label-count
 * with "{count}") and the form. Without JavaScript the box is never foldable: the
 * button stays hidden and the form shows (CSS in tissage.css). Wider than 40em, the
 * form always shows and the button is hidden: only the CSS decides, at any width.
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

  function active(form) {
    // Filters with a value: choices made, dates or words typed (not the buttons).
    var count = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || /^(submit|button|reset|hidden)$/.test(field.type)) {
        return;
      }
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) {
        return;
      }
      if (String(field.value).trim() !== "") {
        count += 1;
      }
    });
    return count;
  }

  function init(box) {
    var button = box.querySelector(".filters-toggle");
    var form = button && document.getElementById(button.getAttribute("aria-controls") || "");
    if (!form) {
      return;
    }
    var label = button.querySelector(".filters-toggle-label") || button;

    function count() {
      var n = active(form);
      label.textContent = n
        ? button.dataset.labelCount.replace("{count}", String(n))
        : button.dataset.label;
    }

    function open(yes) {
      box.classList.toggle("is-open", yes);
      button.setAttribute("aria-expanded", yes ? "true" : "false");
    }

    button.addEventListener("click", function () {
      var opening = button.getAttribute("aria-expanded") !== "true";
      open(opening);
      if (opening) {
        // Straight to the first filter: the panel is what was asked for.
        var first = form.querySelector("select, input:not([type=hidden]), textarea");
        if (first) {
          first.focus();
        }
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && box.classList.contains("is-open")) {
        open(false);
        button.focus();
      }
    });
    form.addEventListener("submit", function () {
      // Filters chosen: back to what they filter (the map applies them in place).
      if (box.classList.contains("is-open")) {
        open(false);
        button.focus();
      }
    });
    form.addEventListener("change", count);
    form.addEventListener("input", count);
    box.classList.add("is-foldable");
    // A filter the server refused stays in sight, with its message.
    open(Boolean(form.querySelector(".field-error")));
    count();
  }

  ready(function () {
    document.querySelectorAll("[data-filters-fold]").forEach(init);
  });
})();
