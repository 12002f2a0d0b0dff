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
// After an htmx swap that brings form errors, focus their summary (WCAG: errors announced and
// reachable at once, as after a full page load).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var summary = event.detail.elt && event.detail.elt.querySelector
      ? event.detail.elt.querySelector(".error-summary") : null;
    if (!summary && event.detail.target && event.detail.target.querySelector) {
      summary = event.detail.target.querySelector(".error-summary");
    }
    if (summary) { summary.focus(); }
  });
})();
