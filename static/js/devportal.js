// Developer portal enhancements: sample tabs, show/hide secrets, and focus after htmx swaps.
// Copy buttons and failed-request messages come from the shared tollgate.js.
(function () {
  "use strict";

  // Tabs (WAI-ARIA tabs pattern). Without JavaScript every panel shows, each with its heading.
  function setUpTabs(container) {
    var tablist = container.querySelector("[role=tablist]");
    var tabs = Array.prototype.slice.call(container.querySelectorAll("[role=tab]"));
    if (!tablist || !tabs.length) return;
    tablist.hidden = false;
    container.classList.add("tabs-ready");

    function select(tab, focus) {
      tabs.forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.tabIndex = selected ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      });
      if (focus) tab.focus();
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
        if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
        if (event.key === "Home") next = tabs[0];
        if (event.key === "End") next = tabs[tabs.length - 1];
        if (next) { event.preventDefault(); select(next, true); }
      });
    });
    select(tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0] || tabs[0], false);
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-tabs]"), setUpTabs);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-secret]");
    if (!toggle) return;
    var input = document.querySelector(toggle.getAttribute("data-toggle-secret"));
    if (!input) return;
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    toggle.textContent = show ? "Hide" : "Show";
    toggle.setAttribute("aria-pressed", show ? "true" : "false");
  });

  // An htmx swap replaces the button that had focus. When focus fell back to the page,
  // move it to what the answer is about: a revealed key or message marked
  // data-focus-after-swap, an invalid field, or the section's heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.querySelector) return;
    init(elt);
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var swapped = elt.isConnected ? elt : document.getElementById(elt.id);
    var root = swapped || document;
    var target = null;
    ["[data-focus-after-swap]", "[aria-invalid=true]", "h2[tabindex='-1']"].some(function (selector) {
      target = root.matches && root.matches(selector) ? root : root.querySelector(selector);
      return target;
    });
    if (!target) return;
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
