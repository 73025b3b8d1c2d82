/* The contribution form in steps, on a phone: one <fieldset class="form-step"> at a time
 * (the place, the find, the photos, you), with "Step 2 of 4 — The find" above it and
 * "Previous" / "Next" buttons under it; the consent and the Send button come with the
 * last step. It stays one HTML form: every step is sent together.
 *
 * Without JavaScript, and on a wide screen, the whole form shows, as it is written.
 *
 * Read from the form[data-steps]: data-label-next and data-label-previous (the buttons);
 * from each step: data-step-progress (the line above it, translated by the template);
 * [data-steps-end] is what goes with the last step.
 *
 * Each step shown is told so by a "tissage:step-shown" event (the location picker's map
 * measures itself again: it cannot while hidden).
 */
(function () {
  "use strict";

  var NARROW = "(max-width: 40em)";
  var SHOWN = "tissage:step-shown";
  // Enter in these submits the form: in steps, it goes to the next step instead.
  var NOT_TYPED = ["button", "submit", "reset", "checkbox", "radio", "file", "image"];

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function init(form, narrow) {
    var steps = Array.prototype.slice.call(form.querySelectorAll(":scope > .form-step"));
    var end = form.querySelector(":scope > [data-steps-end]");
    if (steps.length < 2) {
      return;
    }
    var data = form.dataset;
    var last = steps.length - 1;
    var current = 0;
    var stepped = false;

    var progress = document.createElement("p");
    progress.className = "steps-progress";
    progress.id = "steps-progress";
    progress.hidden = true;

    var nav = document.createElement("div");
    nav.className = "steps-nav";
    nav.hidden = true;
    var previous = document.createElement("button");
    previous.type = "button";
    previous.className = "button button-secondary";
    previous.textContent = data.labelPrevious || "";
    var next = document.createElement("button");
    next.type = "button";
    next.className = "button";
    next.textContent = data.labelNext || "";
    nav.append(previous, next);

    steps[0].before(progress);
    form.append(nav);

    function heading(step) {
      return step.querySelector(":scope > legend h2") || step.querySelector(":scope > legend") || step;
    }

    // The step holding `element`: the end (consent, Send) belongs to the last one.
    function stepOf(element) {
      for (var i = 0; i < steps.length; i++) {
        if (steps[i].contains(element)) {
          return i;
        }
      }
      return end && end.contains(element) ? last : -1;
    }

    // The first step with an error from the server (the end's count for the last).
    function firstWithError() {
      var error = form.querySelector(".field-error, .errors");
      return error ? stepOf(error) : -1;
    }

    function tellShown(step) {
      step.dispatchEvent(new CustomEvent(SHOWN, { bubbles: true }));
    }

    function show(index, moveFocus) {
      current = index;
      steps.forEach(function (step, i) {
        step.hidden = i !== index;
      });
      if (end) {
        end.hidden = index !== last;
      }
      previous.hidden = index === 0;
      next.hidden = index === last;
      progress.textContent = steps[index].dataset.stepProgress || "";
      tellShown(steps[index]);
      if (moveFocus) {
        var title = heading(steps[index]);
        title.setAttribute("tabindex", "-1");
        title.setAttribute("aria-describedby", progress.id);
        progress.scrollIntoView({ block: "start" });
        title.focus({ preventScroll: true });
      }
    }

    function open(element) {
      for (var at = element.parentElement; at && at !== form; at = at.parentElement) {
        if (at.tagName === "DETAILS") {
          at.open = true;
        }
      }
    }

    // The step's own fields, as the browser checks them on sending: the first wrong one
    // is shown with the browser's message.
    function checked(step) {
      var fields = step.elements;
      for (var i = 0; i < fields.length; i++) {
        if (fields[i].willValidate && !fields[i].checkValidity()) {
          open(fields[i]);
          fields[i].reportValidity();
          return false;
        }
      }
      return true;
    }

    function forward() {
      if (current < last && checked(steps[current])) {
        show(current + 1, true);
      }
    }

    function enter() {
      stepped = true;
      form.classList.add("is-stepped");
      progress.hidden = false;
      nav.hidden = false;
      // Where the person is (a phone turned), else where the server found an error.
      var here = document.activeElement ? stepOf(document.activeElement) : -1;
      var start = here >= 0 ? here : firstWithError();
      show(start >= 0 ? start : 0, false);
    }

    function leave() {
      stepped = false;
      form.classList.remove("is-stepped");
      progress.hidden = true;
      nav.hidden = true;
      steps.forEach(function (step) {
        step.hidden = false;
      });
      if (end) {
        end.hidden = false;
      }
      steps.forEach(tellShown);
    }

    previous.addEventListener("click", function () {
      if (current > 0) {
        show(current - 1, true);
      }
    });
    next.addEventListener("click", forward);

    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (
        stepped &&
        current < last &&
        event.key === "Enter" &&
        target.tagName === "INPUT" &&
        NOT_TYPED.indexOf(target.type) === -1
      ) {
        event.preventDefault();
        forward();
      }
    });

    // On sending, the browser stops at the first wrong field, even in a hidden step (or
    // a closed <details>), where it could not be reached: show it there.
    var reported = false;
    form.addEventListener(
      "invalid",
      function (event) {
        if (reported) {
          return;
        }
        reported = true;
        window.setTimeout(function () {
          reported = false;
        }, 0);
        open(event.target);
        var index = stepOf(event.target);
        if (stepped && index >= 0 && index !== current) {
          show(index, false);
        }
      },
      true
    );

    // A script filled a field of a hidden step (the photo's place fills the coordinates
    // of the first): that step is shown, so that the person sees what changed. (A change
    // of the person's own is told when the box loses focus, which may be on the way to
    // the next step: not those.)
    form.addEventListener("change", function (event) {
      var index = stepOf(event.target);
      if (stepped && !event.isTrusted && index >= 0 && index !== current) {
        show(index, false);
      }
    });

    // A link to a field of another step (the list of errors above the form).
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (!stepped || !link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var index = target ? stepOf(target) : -1;
      if (index >= 0 && index !== current) {
        show(index, false);
      }
      if (target) {
        open(target);
      }
    });

    function follow() {
      if (narrow.matches && !stepped) {
        enter();
      } else if (!narrow.matches && stepped) {
        leave();
      }
    }
    if (narrow.addEventListener) {
      narrow.addEventListener("change", follow);
    }
    follow();
  }

  ready(function () {
    if (!window.matchMedia) {
      return;
    }
    var narrow = window.matchMedia(NARROW);
    document.querySelectorAll("form[data-steps]").forEach(function (form) {
      init(form, narrow);
    });
  });
})();
