/* Zizhu: the assessment page with the keyboard alone, and the committee form's reason hint.
   j / k next / previous application, s score now, v home visit form, d decision form, q queue,
   ? the list of shortcuts. Keys typed into a field are never taken as shortcuts. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function focus(id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    el.scrollIntoView({block: "center"});
    el.focus();
    return true;
  }

  function go(url) {
    if (url) { window.location.href = url; }
  }

  function toggleShortcuts() {
    var box = document.getElementById("zz-shortcuts");
    var button = document.getElementById("zz-shortcuts-toggle");
    if (!box) { return; }
    box.hidden = !box.hidden;
    if (button) { button.setAttribute("aria-expanded", box.hidden ? "false" : "true"); }
  }

  function confirmed(form) {
    var button = form.querySelector("[data-zz-confirm]");
    var question = button && button.getAttribute("data-zz-confirm");
    return !question || window.confirm(question);
  }

  var page = document.getElementById("zz-assessment");
  var keys = {
    "j": function () { go(page && page.getAttribute("data-next-url")); },
    "k": function () { go(page && page.getAttribute("data-prev-url")); },
    "s": function () {
      var form = document.getElementById("zz-score-form");
      if (form && focus("zz-score-button")) { form.querySelector("button").click(); }
    },
    "v": function () { focus("zz-visit-visited_on"); },
    "d": function () { focus("zz-decision-tier"); },
    "q": function () {
      var link = document.querySelector("[accesskey=q]");
      if (link) { go(link.getAttribute("href")); }
    },
    "?": toggleShortcuts
  };

  document.addEventListener("keydown", function (event) {
    if (!page || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  var toggle = document.getElementById("zz-shortcuts-toggle");
  if (toggle) { toggle.addEventListener("click", toggleShortcuts); }

  // the committee form: a tier other than the suggested one needs a written reason
  var decision = document.getElementById("zz-decision-form");
  if (decision) {
    var tier = decision.querySelector("[name=tier]");
    var reason = decision.querySelector("[name=tier_reason]");
    var group = document.getElementById("zz-tier-reason-group");
    var update = function () {
      var differs = tier.value !== decision.getAttribute("data-suggested");
      reason.required = differs;
      group.classList.toggle("has-warning", differs);
    };
    tier.addEventListener("change", update);
    update();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "zz-score-all" && !confirmed(form)) { event.preventDefault(); return; }
    if (form.classList && form.classList.contains("zz-step-form")) {
      var step = form.getAttribute("data-step");
      if ((step === "cancel" || step === "reject") && !window.confirm(form.querySelector("button").textContent.trim() + "?")) {
        event.preventDefault();
        return;
      }
    }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }  // one click, one command
  });
})();
