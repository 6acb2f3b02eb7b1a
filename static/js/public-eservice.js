// E-tjänsten: move focus to the error summary so screen-reader users hear what to fix.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
