/* Zizhu: on the pupil form, the date of birth and sex are read from the ID number as it is typed
   (18 characters: YYYYMMDD at positions 7-14, the 17th digit odd for male, even for female). A
   field the officer filled is never overwritten; the server does the same for fields left empty
   and says so when a given value disagrees. Served from /static (CSP: no inline script). */
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECKS = "10X98765432";

  function facts(raw) {
    var text = (raw || "").trim().toUpperCase();
    if (!/^[0-9]{17}[0-9X]$/.test(text)) { return null; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += Number(text.charAt(i)) * WEIGHTS[i]; }
    if (CHECKS.charAt(sum % 11) !== text.charAt(17)) { return null; }
    var y = Number(text.substr(6, 4)), m = Number(text.substr(10, 2)), d = Number(text.substr(12, 2));
    var day = new Date(Date.UTC(y, m - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) { return null; }
    return {
      birth: text.substr(6, 4) + "-" + text.substr(10, 2) + "-" + text.substr(12, 2),
      sex: Number(text.charAt(16)) % 2 === 1 ? "MALE" : "FEMALE"
    };
  }

  function fill(field, value) {
    if (!field) { return; }
    var ours = field.getAttribute("data-zz-from-id") === field.value;
    if (field.value && !ours) { return; }  // typed or chosen by the officer: kept
    if (field.tagName === "SELECT" && !field.querySelector('option[value="' + value + '"]')) { return; }
    field.value = value;
    field.setAttribute("data-zz-from-id", value);
    if (window.jQuery) { window.jQuery(field).trigger("change"); }  // select2 shows the new choice
  }

  function onIdNumber(event) {
    var found = facts(event.target.value);
    if (!found) { return; }
    var form = event.target.form || document;
    fill(form.querySelector("#birth_date"), found.birth);
    fill(form.querySelector("#sex"), found.sex);
  }

  var input = document.getElementById("id_number");
  if (input) {
    input.addEventListener("input", onIdNumber);
    input.addEventListener("change", onIdNumber);
  }
})();
