// Avvika – small progressive enhancements. No inline scripts (strict CSP).
(function () {
  "use strict";
  // Idle-timeout warning one minute before the server logs the session out.
  var body = document.body;
  var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
  if (timeout > 0) {
    var warnAfter = Math.max(timeout - 60, 1) * 1000;
    var timer;
    var arm = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var box = document.getElementById("idle-warning");
        if (box) { box.hidden = false; var b = document.getElementById("idle-continue"); if (b) b.focus(); }
      }, warnAfter);
    };
    arm();
    var cont = document.getElementById("idle-continue");
    if (cont) cont.addEventListener("click", function () { window.location.reload(); });
  }
  // Confirmation for buttons marked data-confirm (no inline onclick).
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
  });
})();
