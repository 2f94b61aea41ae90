/* Zizhu: the English that FAB's own scripts hard-code, in the page's language: the placeholder of its
   select boxes ("Select a State", "Select") and the date picker's month and weekday names (its zh-CN
   locale is loaded before this script on Chinese pages). Runs before FAB's ready handler builds them. */
(function ($) {
  "use strict";
  var t = window.ZZ_I18N || {};
  var english = {"Select a State": true, "Select": true};
  var select2 = $.fn.select2;
  if (select2 && t.choose) {
    $.fn.select2 = function (options) {
      var args = Array.prototype.slice.call(arguments);
      if (options && typeof options === "object" && english[options.placeholder]) {
        args[0] = $.extend({}, options, {placeholder: t.choose});
      }
      return select2.apply(this, args);
    };
    $.extend($.fn.select2, select2);  // select2's defaults and helpers stay reachable
  }
  var dates = $.fn.datepicker && $.fn.datepicker.dates;
  if (dates && t.datepickerLanguage && dates[t.datepickerLanguage]) {
    $.fn.datepicker.defaults.language = t.datepickerLanguage;
  }
})(jQuery);
