/* Zizhu: the print button of the A4 notice page (a page without jQuery; no inline handlers). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("[data-zz-print]") : null;
    if (target) { window.print(); }
  });
})();
