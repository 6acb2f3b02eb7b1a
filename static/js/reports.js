// Kvalitetsberättelse editor: autosave conflicts and status fragments (no inline scripts).
(function () {
  "use strict";
  // htmx does not swap 4xx answers by default; the autosave status needs 409 (conflict) and
  // 400 (locked) shown, so the user sees why nothing was saved.
  document.body.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status === 409 || status === 400) { ev.detail.shouldSwap = true; ev.detail.isError = false; }
  });
  // "Använd den sparade texten": replace the textarea with the stored text and take its version.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy-from]");
    if (!btn) { return; }
    var from = document.getElementById(btn.getAttribute("data-copy-from"));
    var to = document.getElementById(btn.getAttribute("data-copy-to"));
    var vFrom = document.getElementById(btn.getAttribute("data-version-from"));
    var vTo = document.getElementById(btn.getAttribute("data-version-to"));
    if (from && to) { to.value = from.value; to.focus(); }
    if (vFrom && vTo) { vTo.value = vFrom.value; }
  });
  // "Infoga förslag": the data block's suggested sentence appended to the section's first text
  // block (the button has the focus, so there is no cursor to insert at), then the usual
  // autosave through the change event. The writer edits it like any other text.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-insert-suggestion]");
    if (!btn) { return; }
    var source = document.getElementById(btn.getAttribute("data-insert-suggestion"));
    var body = btn.closest(".report-section-body");
    var area = body ? body.querySelector(".report-texts textarea") : null;
    var status = btn.parentNode.querySelector(".suggestion-status");
    if (!area || !source) {
      if (status) { status.textContent = btn.getAttribute("data-missing"); }
      return;
    }
    var value = area.value.replace(/\s+$/, "");
    area.value = (value ? value + " " : "") + source.textContent.trim();
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    area.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
