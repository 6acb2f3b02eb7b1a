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
  // Actions on the case page (templates/cases/parts/action_form.html) post with htmx and get
  // back the parts of the page they changed (out-of-band swaps), so the page never jumps to
  // the top. A 400/403 answer from the action kit (X-Avvika-Fragment) carries the form with
  // its errors and is swapped too; any other failure is said in the live region.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("X-Avvika-Fragment") === "1") {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
  var sayFailed = function () {
    var box = document.getElementById("messages");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = box.getAttribute("data-error-text") || "";
    box.replaceChildren(p);
  };
  document.addEventListener("htmx:responseError", sayFailed);
  document.addEventListener("htmx:sendError", sayFailed);
  // After the swap, focus goes to what the user acted on (or to the error summary), so
  // keyboard and screen-reader users continue where they were.
  document.addEventListener("avvika-focus", function (ev) {
    var selector = ev.detail && ev.detail.target;
    var el = selector ? document.querySelector(selector) : null;
    if (!el) return;
    var target = el.matches("h1, h2, h3, h4, .error-summary") ? el : (el.querySelector("h2, h3") || el);
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  });
  // A closed action's form loads when its disclosure opens (templates/cases/parts/action.html).
  // Focus normally stays on the disclosure button; if it had already moved onto the
  // placeholder link, it goes to the form's first field instead of being lost.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var box = ev.detail.target;
    if (box && box.classList.contains("action-lazy")) {
      box.toggleAttribute("data-had-focus", box.contains(document.activeElement));
    }
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var box = ev.detail.target;
    if (!box || !box.hasAttribute("data-had-focus")) return;
    box.removeAttribute("data-had-focus");
    var field = box.querySelector("input:not([type=hidden]), select, textarea, button, a[href]");
    if (field) field.focus();
  });
  // A page that comes back from a refused submit starts at its error summary, so keyboard and
  // screen-reader users hear what to fix first (the links then lead to each field).
  var summary = document.querySelector("main .error-summary");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  // A summary link moves focus into its field, not only the scroll position.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest(".error-summary a[href^='#']");
    var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (field) { ev.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
  });
  // Confirmation for buttons marked data-confirm (no inline onclick).
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
  });
})();
