// Small progressive enhancements shared by the portals: copy buttons, focus after htmx
// swaps, and a visible message when an htmx request fails.
(function () {
  "use strict";

  function announce(text, isError) {
    var region = document.getElementById("messages");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message" + (isError ? " error" : "");
    p.textContent = text;
    region.replaceChildren(p);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  // A select that submits its form when changed (no inline handler: the CSP forbids them).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-submit-on-change]");
    if (select && select.form) select.form.submit();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = button.closest(".copy-field");
    var source = field && field.querySelector("code, input");
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    copyText(text.trim()).then(function () {
      button.textContent = "Copied";
      button.classList.add("copied");
      announce("Copied to the clipboard.");
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 2000);
    }, function () { announce("Could not copy; select the text and copy it by hand.", true); });
  });

  // After an htmx swap, put keyboard focus where the user needs it: the first invalid field,
  // else an element marked autofocus, so screen-reader and keyboard users are not lost.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    if (!target || !target.querySelector) return;
    var focusable = target.querySelector("[aria-invalid=true], [autofocus]");
    if (focusable) focusable.focus();
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403 ? "You do not have permission to do this."
      : status === 404 ? "Not found: it may have been deleted."
      : "The request failed (" + status + "). Please try again.";
    announce(text, true);
  });

  document.addEventListener("htmx:sendError", function () {
    announce("The server could not be reached. Please try again.", true);
  });
})();
