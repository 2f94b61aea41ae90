/* Zizhu: select2 AJAX lookups for relation fields and list filters (no whole-table dropdowns). */
(function ($) {
  "use strict";
  var t = window.ZZ_I18N || {};
  var language = {
    searching: function () { return t.searching; },
    noResults: function () { return t.noResults; },
    loadingMore: function () { return t.loadingMore; },
    errorLoading: function () { return t.errorLoading; }
  };

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

  $(function () {
    $(document).on("click", ".zz-reveal", function () { reveal(this); });
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
