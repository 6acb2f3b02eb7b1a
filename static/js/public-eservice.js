// E-tjänsten: move focus to the error summary so screen-reader users hear what to fix.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest(".error-summary a[href^='#']");
    var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (field) { ev.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
  });
})();
