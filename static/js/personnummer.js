// Avvika – the personnummer warning while typing (cases/personnummer.py renders the box).
// Each checked text box carries the server's pattern in data-pnr-check, so browser and server
// agree on what looks like a personnummer. No inline scripts (strict CSP).
(function () {
  "use strict";
  var patterns = {};
  var check = function (el) {
    var source = el.getAttribute("data-pnr-check");
    if (!source || !el.id) return;
    var re = patterns[source] || (patterns[source] = new RegExp(source));
    var box = document.getElementById(el.id + "_pnr");
    if (box) box.hidden = !re.test(el.value);
  };
  document.addEventListener("input", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-pnr-check]")) check(ev.target);
  });
})();
