/* Zizhu: select2 AJAX lookups (no whole-table dropdowns), audited reveal, and CSP-safe
   confirmations, row selection and list actions (delegated handlers; no inline scripts). */
(function ($) {
  "use strict";
  var t = window.ZZ_I18N || {};
  var language = {
    searching: function () { return t.searching; },
    noResults: function () { return t.noResults; },
    loadingMore: function () { return t.loadingMore; },
    errorLoading: function () { return t.errorLoading; },
    removeAllItems: function () { return t.removeAllItems; },
    removeItem: function () { return t.removeItem; }
  };
  if ($.fn.select2 && $.fn.select2.defaults) {
    $.fn.select2.defaults.set("language", language);  // FAB's own selects too
  }

  // FAB's optional relation selects carry a "__None" option that select2 would print; this
  // script runs at the end of the page, before FAB's ready handler builds the select2 boxes
  $('option[value="__None"]').each(function () {
    if (!this.text || this.text === "__None") { this.text = t.noChoice; }
  });

  function initLookup(el) {
    if (el.getAttribute("data-zz-ready")) { return; }
    el.setAttribute("data-zz-ready", "1");
    $(el).select2({
      theme: "bootstrap",
      allowClear: true,
      width: "100%",
      placeholder: el.getAttribute("data-placeholder") || t.placeholder,
      language: language,
      ajax: {
        url: el.getAttribute("data-url"),
        dataType: "json",
        delay: 250,
        data: function (params) { return { q: params.term || "", page: params.page || 1 }; },
        processResults: function (data) { return data; }
      }
    });
  }

  function initAll(root) {
    $(root).find("select.zz-lookup").each(function () {
      if (document.body.contains(this)) { initLookup(this); }
    });
  }

  function reveal(button) {
    var reason = window.prompt(t.revealReason);
    if (!reason) { return; }
    var token = $('meta[name="csrf-token"]').attr("content");
    $.post(button.getAttribute("data-url"),
      { column: button.getAttribute("data-column"), reason: reason, csrf_token: token })
      .done(function (data) {
        $(button).prev(".zz-masked").text(data.value);
        $(button).remove();
      })
      .fail(function (xhr) {
        window.alert((xhr.responseJSON && xhr.responseJSON.message) || t.revealFailed);
      });
  }

  /* POST to url with the page's CSRF token and the given fields ([name, value] pairs). */
  function postForm(url, fields) {
    var form = $("<form method='post'></form>").attr("action", url);
    var token = $('meta[name="csrf-token"]').attr("content");
    if (token) { fields = [["csrf_token", token]].concat(fields); }
    fields.forEach(function (f) {
      form.append($("<input type='hidden'>").attr("name", f[0]).val(f[1]));
    });
    form.appendTo(document.body).trigger("submit");
  }

  /* POST without following FAB's redirect (after a delete on a show page it points back at the
     deleted record), then open next; the flash message waits in the session for that page. */
  function postThenGo(url, next) {
    var body = new URLSearchParams();
    body.append("csrf_token", $('meta[name="csrf-token"]').attr("content") || "");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .finally(function () { window.location.assign(next); });
  }

  /* Our confirmation modal (appbuilder/general/confirm.html): text, then onOk. An OK label
     (data-zz-ok, "Delete") marks a destructive step: the button turns red. */
  function confirmThen(text, okLabel, onOk) {
    var modal = $("#modal-confirm").first();
    if (!text || !modal.length) { onOk(); return; }
    modal.find(".modal-body").empty().append($("<div class='modal-text'></div>").text(text));
    modal.find("#modal-confirm-ok").text(okLabel || t.ok).removeClass("disabled")
      .toggleClass("btn-danger", !!okLabel).toggleClass("btn-primary", !okLabel)
      .off("click.zz").one("click.zz", function (e) {
        e.preventDefault();
        $(this).addClass("disabled");
        onOk();
      });
    modal.modal("show");
  }

  function alertBox(text) {
    var modal = $("#modal-alert").first();
    modal.find(".modal-text").text(text);
    modal.modal("show");
  }

  function listOf(el) {
    var list = $(el).closest(".zz-list");
    return list.length ? list : $(document.body);
  }

  function runListAction(link) {
    var checked = listOf(link).find("input.action_check:checked");
    if (!checked.length) { alertBox(t.noRowSelected); return; }
    var fields = [["action", link.getAttribute("data-zz-action")]];
    checked.each(function () { fields.push(["rowid", this.value]); });
    confirmThen(link.getAttribute("data-zz-confirm"), link.getAttribute("data-zz-ok"), function () {
      postForm(link.getAttribute("data-zz-post"), fields);
    });
  }

  function bindConfirmations() {
    $(document).on("click", ".zz-delete, .zz-action-single", function (e) {
      e.preventDefault();
      var link = this;
      confirmThen(link.getAttribute("data-zz-confirm"), link.getAttribute("data-zz-ok"), function () {
        var next = link.getAttribute("data-zz-next");
        if (next) { postThenGo(link.getAttribute("data-zz-post"), next); return; }
        postForm(link.getAttribute("data-zz-post"), []);
      });
    });
    $(document).on("click", ".zz-action-multi", function (e) {
      e.preventDefault();
      runListAction(this);
    });
    $(document).on("shown.bs.modal", "#modal-confirm", function () {
      $(this).find(".zz-confirm-cancel").trigger("focus");
    });
  }

  function bindRowSelection() {
    $(document).on("change", ".zz-list input.action_check_all", function () {
      listOf(this).find("input.action_check").prop("checked", this.checked).trigger("change");
    });
    $(document).on("change", ".zz-list input.action_check", function () {
      $(this).closest("tr").toggleClass("zz-selected", this.checked);
    });
  }

  function fillPrintDate() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    $(".zz-print-date").text(now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" +
      pad(now.getDate()) + " " + pad(now.getHours()) + ":" + pad(now.getMinutes()));
  }

  $(function () {
    bindConfirmations();
    bindRowSelection();
    fillPrintDate();
    window.addEventListener("beforeprint", fillPrintDate);
    $(".zz-form-errors a[href^='#zz-field-']").on("click", function (e) {
      var box = document.getElementById(this.getAttribute("href").slice(1));
      if (!box) { return; }
      e.preventDefault();
      box.scrollIntoView({ block: "center" });
      $(box).find("input:visible, select:visible, textarea:visible").first().trigger("focus");
    });
    $(document).on("click", ".zz-reveal", function () { reveal(this); });
    $(document).on("click", "[data-zz-print]", function () { window.print(); });
    initAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        m.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) { initAll(node.parentNode || node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})(jQuery);
