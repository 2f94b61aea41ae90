/* Zizhu: the job page follows its job's progress until it ends (no reload needed). */
(function ($) {
  "use strict";
  var t = window.ZZ_JOB_I18N || {};
  // one click, one job: the start button is disabled once the form is sent
  $(document).on("submit", "#zz-job-start", function () {
    $(this).find("button[type=submit]").prop("disabled", true);
  });
  var box = document.getElementById("zz-job");
  if (!box) { return; }

  function render(info) {
    var pct = info.percent === null ? 0 : info.percent;
    var bar = box.querySelector(".progress-bar");
    bar.style.width = pct + "%";
    bar.setAttribute("aria-valuenow", pct);
    bar.textContent = pct + "%";
    box.querySelector("[data-field=rows_done]").textContent = info.rows_done;
    box.querySelector("[data-field=rows_total]").textContent =
      info.rows_total === null ? t.unknown : info.rows_total;
    box.querySelector(".zz-job-left").textContent =
      info.time_left ? " · " + t.left.replace("%(left)s", info.time_left) : "";
    var status = box.querySelector(".zz-job-status");
    status.textContent = info.status_label;
    status.setAttribute("data-status", info.status);
    var message = box.querySelector(".zz-job-message");
    message.textContent = info.message || "";
    message.hidden = !info.message;
    if (!info.active) {
      bar.classList.remove("active", "progress-bar-striped");
      $(box).find(".zz-job-cancel").remove();
      if (info.has_file || info.status !== "running") { window.location.reload(); }
    }
  }

  function poll() {
    $.getJSON(box.getAttribute("data-status-url"))
      .done(function (info) {
        render(info);
        if (info.active) { window.setTimeout(poll, 1000); }
      })
      .fail(function () { window.setTimeout(poll, 5000); });
  }

  $(document).on("submit", ".zz-job-cancel", function (event) {
    var question = $(this).find("[data-zz-confirm]").attr("data-zz-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  if (box.getAttribute("data-active") === "true") { window.setTimeout(poll, 1000); }
})(jQuery);
