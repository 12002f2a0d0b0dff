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
