// Cap Industrie: the only script besides htmx. No inline script anywhere (strict CSP).
(function () {
  "use strict";
  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = text; }
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 429) {
      announce("Trop de tentatives en peu de temps. Patientez quelques minutes.");
    } else if (status === 403 || status === 404) {
      announce("Cette action n'est pas possible : accès refusé ou élément introuvable.");
    } else {
      announce("Une erreur s'est produite (code " + status + "). Rechargez la page et réessayez.");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    announce("Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.");
  });
  // Autocomplete: typing again forgets the previous choice, so the hidden id never disagrees
  // with the text shown.
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-autocomplete]");
    if (!box || event.target.type === "hidden") { return; }
    var hidden = box.querySelector("input[type=hidden]");
    if (hidden) { hidden.value = ""; }
  });
  // Autocomplete: a click on a suggestion fills the hidden id and the visible text.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-autocomplete-value]");
    if (!choice) { return; }
    event.preventDefault();
    var box = choice.closest("[data-autocomplete]");
    box.querySelector("input[type=hidden]").value = choice.dataset.autocompleteValue;
    var text = box.querySelector("input[type=search], input[type=text]");
    text.value = choice.dataset.autocompleteLabel;
    var list = box.querySelector(".autocomplete-results");
    list.innerHTML = "";
    announce("Sélectionné : " + choice.dataset.autocompleteLabel);
    text.focus();
  });
})();
// Address suggestions (offer wizard, templates/geo/_address_suggestions.html): a click fills the
// site fields of the enclosing form. A commune-only suggestion keeps the street already typed.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-address]");
    if (!choice) { return; }
    event.preventDefault();
    var form = choice.closest("form");
    if (!form) { return; }
    function fill(name, value, keepWhenEmpty) {
      var input = form.querySelector("[name='" + name + "']");
      if (input && !(keepWhenEmpty && !value)) { input.value = value; }
    }
    fill("site_address", choice.dataset.address, true);
    fill("site_postcode", choice.dataset.postcode, false);
    fill("site_commune_insee", choice.dataset.insee, false);
    var list = choice.closest("[data-address-suggestions]");
    if (list) { list.innerHTML = ""; }
    var region = document.getElementById("live-region");
    if (region) { region.textContent = "Adresse sélectionnée : " + choice.dataset.label; }
    var address = form.querySelector("[name='site_address']");
    if (address) { address.focus(); }
  });
})();
// One rule for every form answer, HTMX swap or full page (issue 9): a refused form (422) brings
// its error summary into view and focuses it; a successful swap focuses the new content's
// heading and shows the new content from its top. Without it, the button that had focus is
// swapped away: focus falls to <body> and the answer may lie a screen away.
(function () {
  "use strict";
  var handled = typeof WeakSet === "function" ? new WeakSet() : null;

  function focusable(el) {
    if (!el.hasAttribute("tabindex") && !el.matches("a[href], button, input, select, textarea")) {
      el.setAttribute("tabindex", "-1");
    }
    return el;
  }
  // Bring `el` into view only when it is not already: a row answered in place does not jump.
  function reveal(el, from) {
    var box = (from || el).getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (box.top < 0 || box.top > height - 48) {
      (from || el).scrollIntoView({ block: "start" });
    }
  }
  function focusErrors(root) {
    var target = root.querySelector(".error-summary")
      || root.querySelector("[aria-invalid='true']")
      || root.querySelector("[role='alert']");
    if (!target) { return false; }
    reveal(target);
    focusable(target).focus({ preventScroll: true });
    return true;
  }
  function focusHeading(root) {
    var heading = root.querySelector("[data-swap-heading]")
      || (root.matches("h1, h2, h3, h4, h5, h6") ? root : root.querySelector("h1, h2, h3, h4, h5, h6"))
      || root.querySelector("[role='status']")
      || root;
    reveal(heading, root);
    focusable(heading).focus({ preventScroll: true });
  }
  // The new content: the target itself (innerHTML) or, when swapped out (outerHTML), the
  // element now bearing its id; else the first element htmx settled.
  function newContent(detail, settled) {
    var target = detail.target;
    if (target && target.isConnected) { return target; }
    if (target && target.id) {
      var fresh = document.getElementById(target.id);
      if (fresh) { return fresh; }
    }
    return settled;
  }
  // Form answers only (a submit, or a click on a button or link): live search and
  // autocomplete update while the person types, and must leave the focus where it is.
  function isFormAnswer(detail) {
    var config = detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    return Boolean(trigger) && (trigger.type === "submit" || trigger.type === "click");
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var xhr = detail.xhr;
    if (!xhr || (handled && handled.has(xhr)) || !isFormAnswer(detail)) { return; }
    if (handled) { handled.add(xhr); }
    var root = newContent(detail, event.target);
    if (!root || !root.isConnected) { return; }
    if (xhr.status === 422) {
      if (!focusErrors(root)) { focusHeading(root); }
    } else if (xhr.status >= 200 && xhr.status < 300) {
      focusHeading(root);
    }
  });
  // A refused form answered as a whole page (no JavaScript swap, e.g. registration).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { focusErrors(summary.parentNode); }
  });
})();
// Folded filters (search pages): open from 48rem, as CSS shows them there; this covers browsers
// without ::details-content. On phones they stay folded unless a filter is in error.
(function () {
  "use strict";
  if (!window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 48rem)");
  function sync() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
      if (wide.matches) { panel.open = true; }
      else if (!panel.querySelector(".field-error")) { panel.open = false; }
    });
  }
  document.addEventListener("DOMContentLoaded", sync);
  if (wide.addEventListener) { wide.addEventListener("change", sync); }
})();
// Wide tables (issue 14, accessibility): a `.table-scroll` box that scrolls sideways (on phones)
// must be reachable with the keyboard, so that its hidden columns can be scrolled to, and be
// announced: while it overflows it gets tabindex="0", role="region" and a name taken from its
// table's caption or the heading above it; when it fits again these go, so that wide screens
// keep no useless tab stop.
(function () {
  "use strict";
  function headingBefore(box) {
    var node = box;
    while (node && node !== document.body) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) { return previous.textContent; }
        var inner = previous.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) { return inner[inner.length - 1].textContent; }
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return "";
  }
  function name(box) {
    var caption = box.querySelector("caption");
    var text = (caption ? caption.textContent : headingBefore(box)) || "Tableau";
    return text.replace(/\s+/g, " ").trim();
  }
  function sync() {
    var used = {};
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var label = name(box) + ", défilement horizontal";
        used[label] = (used[label] || 0) + 1;
        if (used[label] > 1) { label += " " + used[label]; }
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
  window.addEventListener("resize", sync);
})();
// Live character counter (issue 17, the pupil's application message): a textarea with
// data-count-min/-max and data-count-output (the id of the polite counter) says how many
// characters are written and how many are still needed or left. The server keeps the rule.
(function () {
  "use strict";
  function update(area) {
    var output = document.getElementById(area.dataset.countOutput);
    if (!output) { return; }
    var min = parseInt(area.dataset.countMin, 10) || 0;
    var max = parseInt(area.dataset.countMax, 10) || 0;
    var n = area.value.trim().length;
    var text = n + (n > 1 ? " caractères" : " caractère");
    if (n < min) {
      var missing = min - n;
      text += " : encore " + missing + (missing > 1 ? " caractères" : " caractère") + " au moins.";
      output.className = "char-count char-count-short";
    } else if (max && n > max) {
      text += " : " + (n - max) + " de trop.";
      output.className = "char-count char-count-short";
    } else {
      text += max ? " sur " + max.toLocaleString("fr-FR") + " au plus." : ".";
      output.className = "char-count char-count-ok";
    }
    output.textContent = text;
    output.hidden = false;
  }
  function init(root) {
    (root || document).querySelectorAll("textarea[data-count-output]").forEach(update);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-count-output]")) {
      update(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
// === ux-adults (issue 17): confirmations ===========================================================
// A confirmation panel (templates/partials/_confirm_panel.html) swapped by htmx in place of its
// link (templates/partials/_confirm.html): « Annuler » or Escape put the link back and focus it,
// instead of following the cancel link (the page without JavaScript). app.js focuses the panel's
// heading after the swap (data-swap-heading).
(function () {
  "use strict";
  var originals = typeof WeakMap === "function" ? new WeakMap() : null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = event.detail && event.detail.target;
    if (originals && box && box.matches && box.matches(".confirm-action") && !originals.has(box)) {
      originals.set(box, box.innerHTML);
    }
  });
  function restore(box) {
    if (!originals || !box || !originals.has(box)) { return false; }
    box.innerHTML = originals.get(box);
    originals.delete(box);
    if (window.htmx) { window.htmx.process(box); }
    var opener = box.querySelector("a, button");
    if (opener) { opener.focus(); }
    return true;
  }
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-confirm-cancel]");
    if (cancel && restore(cancel.closest(".confirm-action"))) { event.preventDefault(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var panel = event.target.closest && event.target.closest(".confirm-action .confirm-panel");
    if (panel) { restore(panel.closest(".confirm-action")); }
  });
})();
// The header menu (base.html, issue 17): a <details> folded under « Menu » on phones, open from
// its data-open-from width, as CSS shows it there; this covers browsers without ::details-content.
(function () {
  "use strict";
  if (!window.matchMedia) { return; }
  function sync() {
    document.querySelectorAll("details[data-open-from]").forEach(function (menu) {
      menu.open = window.matchMedia("(min-width: " + menu.dataset.openFrom + ")").matches;
    });
  }
  document.addEventListener("DOMContentLoaded", sync);
  var query = window.matchMedia("(min-width: 36rem)");
  if (query.addEventListener) { query.addEventListener("change", sync); }
})();
// === end ux-adults ================================================================================
