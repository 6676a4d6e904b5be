/* "Already known customers — is it one of these?" for the customers/suggest.html partial.
   As someone types a company name (and optionally a website and country), asks
   GET /customers/suggest and lists the known customers it may be; picking one fills the hidden
   customer id and the visible fields. No build step, no framework; without it the form still
   submits what was typed. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var MIN_CHARS = 3;

  function init(root) {
    if (root.getAttribute("data-ready") === "1") return;
    root.setAttribute("data-ready", "1");
    var form = root.closest("form") || document;
    var field = function (name) {
      return name ? form.querySelector('[name="' + CSS.escape(name) + '"]:not([type="hidden"])') : null;
    };
    var nameInput = field(root.dataset.nameField);
    if (!nameInput) return;
    var websiteInput = field(root.dataset.websiteField);
    var countryInput = field(root.dataset.countryField);
    var idInput = root.querySelector('input[type="hidden"][name="' + CSS.escape(root.dataset.idField) + '"]');
    var panel = root.querySelector("[data-suggest-panel]");
    var list = panel.querySelector("ul");
    var chosenBox = root.querySelector("[data-suggest-chosen]");
    var timer = null;
    var controller = null;
    var lastQuery = null;
    var chosenName = idInput && idInput.value ? nameInput.value : null;

    function value(input) {
      return input ? input.value.trim() : "";
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DEBOUNCE_MS);
    }

    function lookup() {
      var name = value(nameInput);
      if (name.length < MIN_CHARS || chosenName !== null) {
        lastQuery = null;
        show([]);
        return;
      }
      var params = new URLSearchParams({ name: name });
      if (value(websiteInput)) params.set("website", value(websiteInput));
      if (value(countryInput)) params.set("country", value(countryInput));
      var query = params.toString();
      if (query === lastQuery) return;
      lastQuery = query;
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(root.dataset.url + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal })
        .then(function (response) { return response.ok ? response.json() : { candidates: [] }; })
        .then(function (data) { show(data.candidates || []); })
        .catch(function (error) { if (error.name !== "AbortError") show([]); });
    }

    function text(tag, className, content) {
      var element = document.createElement(tag);
      if (className) element.className = className;
      element.textContent = content;
      return element;
    }

    function show(candidates) {
      list.replaceChildren();
      candidates.forEach(function (candidate) {
        var item = document.createElement("li");
        item.className = "suggest-item";
        var identity = document.createElement("div");
        identity.className = "suggest-identity";
        identity.appendChild(text("strong", "suggest-name", candidate.name));
        var where = [candidate.website, candidate.country].filter(Boolean).join(" · ");
        if (where) identity.appendChild(text("span", "muted small", where));
        identity.appendChild(text("span", "suggest-why small", candidate.score + "% match · " + candidate.reason));
        var pick = text("button", "small", root.dataset.pickLabel);
        pick.type = "button";
        pick.setAttribute("aria-label", root.dataset.pickLabel + ": " + candidate.name);
        pick.addEventListener("click", function () { choose(candidate); });
        item.appendChild(identity);
        item.appendChild(pick);
        list.appendChild(item);
      });
      panel.hidden = candidates.length === 0;
    }

    function choose(candidate) {
      if (idInput) idInput.value = String(candidate.customer_id);
      nameInput.value = candidate.name;
      if (websiteInput && candidate.website) websiteInput.value = candidate.website;
      if (countryInput && candidate.country) countryInput.value = candidate.country;
      chosenName = candidate.name;
      showChosen(candidate.name);
      show([]);
    }

    function showChosen(name) {
      chosenBox.replaceChildren(text("strong", null, name), text("span", null, " — " + root.dataset.chosenNote + " "));
      var undo = text("button", "link-button small", "Not this one");
      undo.type = "button";
      undo.addEventListener("click", function () { unchoose(); nameInput.focus(); schedule(); });
      chosenBox.appendChild(undo);
      chosenBox.hidden = false;
    }

    function unchoose() {
      if (idInput) idInput.value = "";
      chosenName = null;
      lastQuery = null;
      chosenBox.hidden = true;
      chosenBox.replaceChildren();
    }

    nameInput.addEventListener("input", function () {
      // Another name is another company: the pick no longer applies.
      if (chosenName !== null && nameInput.value !== chosenName) unchoose();
      schedule();
    });
    [websiteInput, countryInput].forEach(function (input) {
      if (input) input.addEventListener("input", schedule);
    });
    if (chosenName !== null) showChosen(chosenName);
    else if (value(nameInput).length >= MIN_CHARS) schedule();
  }

  function start() {
    document.querySelectorAll("[data-customer-suggest]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
