// Inkorgen: keyboard shortcuts and the help dialog. No inline scripts (strict CSP).
// j/k or arrows move a visible focus between rows, Enter/o opens, x toggles the checkbox,
// / focuses the search, ? opens the help, Esc closes it (native <dialog> behaviour).
(function () {
  "use strict";
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-table tr[data-case-row]"));
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || el.isContentEditable;
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var active = all.indexOf(document.activeElement);
    current = active >= 0 ? active : current;
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all[current].focus();
  }

  function currentRow() {
    var all = rows();
    var active = all.indexOf(document.activeElement);
    if (active >= 0) return all[active];
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function openHelp() {
    var dialog = document.getElementById("inbox-help");
    if (!dialog || dialog.open) return;
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    var close = document.getElementById("inbox-help-close");
    if (close) close.focus();
  }

  function closeHelp() {
    var dialog = document.getElementById("inbox-help");
    if (!dialog) return;
    if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
    var opener = document.getElementById("inbox-help-open");
    if (opener) opener.focus();
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var dialog = document.getElementById("inbox-help");
    if (dialog && dialog.open) {
      if (ev.key === "Escape") { ev.preventDefault(); closeHelp(); }
      return;
    }
    if (typing(ev.target)) {
      if (ev.key === "Escape" && ev.target.id === "inbox-q") ev.target.blur();
      return;
    }
    var row = currentRow();
    var onRow = row && document.activeElement === row;
    switch (ev.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      // Arrow keys only once a row has focus, so they still scroll the page otherwise.
      case "ArrowDown": if (!onRow) return; move(1); break;
      case "ArrowUp": if (!onRow) return; move(-1); break;
      case "Enter":
      case "o":
        if (!row || (ev.key === "Enter" && !onRow)) return;
        var link = row.querySelector("a[data-open]");
        if (link) window.location.href = link.href;
        break;
      case "x":
        if (!row) return;
        var box = row.querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
        break;
      case "/":
        var search = document.getElementById("inbox-q");
        if (search) { search.focus(); search.select(); }
        break;
      case "?": openHelp(); break;
      default: return;
    }
    ev.preventDefault();
  }

  function markSelected(ev) {
    var box = ev.target;
    if (box.type !== "checkbox" || box.name !== "cases") return;
    var row = box.closest("tr");
    if (row) row.classList.toggle("selected", box.checked);
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("change", markSelected);
  document.addEventListener("click", function (ev) {
    if (ev.target.closest("#inbox-help-open")) openHelp();
    if (ev.target.closest("#inbox-help-close")) closeHelp();
  });
  // The status list follows the chosen type: only that type's statuses are offered, and a
  // status of another type is cleared before the filter is sent (never a silent empty list).
  // Capture phase, so this runs before htmx sends the form on the same change event.
  function followKind() {
    var kind = document.getElementById("id_kind");
    var status = document.getElementById("id_status");
    if (!kind || !status) return;
    var prefix = kind.value ? kind.value + ":" : "";
    Array.prototype.forEach.call(status.querySelectorAll("optgroup"), function (group) {
      var any = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (opt) {
        var fits = !prefix || opt.value.indexOf(prefix) === 0;
        opt.hidden = !fits;
        opt.disabled = !fits;
        any = any || fits;
      });
      group.hidden = !any;
    });
    var chosen = status.options[status.selectedIndex];
    if (chosen && chosen.disabled) status.value = "";
  }
  document.addEventListener("change", function (ev) {
    if (ev.target && ev.target.id === "id_kind") followKind();
  }, true);
  followKind();

  // On a phone the filters other than the search, and the bulk actions, fold behind one
  // button each (.panel-toggle, aria-controls names the panel). Only with script: without it
  // every control stays visible. Delegated, so it also works for results htmx swaps in.
  document.documentElement.classList.add("inbox-js");
  document.addEventListener("click", function (ev) {
    var toggle = ev.target.closest && ev.target.closest(".panel-toggle");
    if (!toggle) return;
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!panel) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("is-open", open);
  });

  // New results from htmx: start again from the top.
  document.body.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail && ev.detail.target && ev.detail.target.id === "inbox-results") current = -1;
  });
})();
