// ipexpath web: small behaviours without inline scripts (the CSP forbids them).
// - a term chosen in the autocomplete becomes a chip with a hidden input (observed or excluded);
// - a chip's × removes it; - a VCF over the size limit is refused before it is sent;
// - "find a term" next to an unrecognised span of the free text searches the terms with its words.
(function () {
  "use strict";
  function chip(kind, id, label) {
    var li = document.createElement("li");
    li.className = "chip";
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = kind;
    input.value = id;
    li.appendChild(input);
    li.appendChild(document.createTextNode(id + " " + label + " "));
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.setAttribute("aria-label", "remove " + id);
    remove.textContent = "\u00d7";
    li.appendChild(remove);
    return li;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.classList.contains("add-term")) {
      var kind = target.getAttribute("data-kind") === "excluded" ? "excluded" : "hpo";
      var list = document.getElementById(kind === "hpo" ? "observed-terms" : "excluded-terms");
      var id = target.getAttribute("data-id") || "";
      if (list && !list.querySelector('input[value="' + id.replace(/"/g, "") + '"]')) {
        list.appendChild(chip(kind, id, target.getAttribute("data-label") || ""));
      }
      var query = document.getElementById("term-query");
      var hits = document.getElementById("term-hits");
      if (query) { query.value = ""; query.focus(); }
      if (hits) hits.textContent = "";
    } else if (target.classList.contains("find-term")) {
      // a span the text recogniser did not map (or only suspected): search the terms by hand with its words
      var box = document.getElementById("term-query");
      if (box) {
        box.value = target.getAttribute("data-text") || "";
        box.focus();
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
    } else if (target.classList.contains("remove")) {
      var li = target.closest("li");
      if (li) li.remove();
    }
  });
  document.addEventListener("keydown", function (event) {
    // Enter in the term search must not submit the whole case form.
    if (event.key === "Enter" && event.target instanceof Element && event.target.id === "term-query") {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.id !== "vcf" || !input.files || !input.files[0]) return;
    var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    var note = document.getElementById("vcf-note");
    if (limit && input.files[0].size > limit) {
      input.value = "";
      if (note) note.textContent = "That file is larger than the limit; choose a smaller VCF.";
    }
  });
})();
