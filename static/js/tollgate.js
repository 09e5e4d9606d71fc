// Small progressive enhancements shared by the portals: copy buttons, focus after htmx
// swaps, the confirmation of destructive actions, and a visible message when an htmx
// request fails.
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

  // Destructive actions: a form or submit button marked data-confirm asks first in the one
  // confirmation dialog; "Yes" posts the form again with confirmed=1 (and the reason as note).
  function confirmSource(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) return submitter;
    return form.hasAttribute("data-confirm") ? form : null;
  }

  function hiddenField(form, name, value) {
    var field = form.querySelector("input[type=hidden][name='" + name + "']");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      form.appendChild(field);
    }
    field.value = value;
  }

  function askToConfirm(source, onYes) {
    var dialog = document.getElementById("confirm-dialog");
    var note = dialog.querySelector("[data-confirm-note]");
    var noteInput = note.querySelector("input");
    dialog.querySelector("#confirm-dialog-title").textContent = source.getAttribute("data-confirm");
    dialog.querySelector("#confirm-dialog-text").textContent = source.getAttribute("data-confirm-text") || "";
    dialog.querySelector("[data-confirm-yes]").textContent = source.getAttribute("data-confirm-yes") || "Yes";
    note.hidden = !source.hasAttribute("data-confirm-note");
    noteInput.value = "";
    dialog.returnValue = "";
    dialog.addEventListener("close", function closed() {
      dialog.removeEventListener("close", closed);
      if (dialog.returnValue === "yes") onYes(note.hidden ? null : noteInput.value);
    });
    dialog.showModal();
    dialog.querySelector("[data-confirm-no]").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method === "dialog") return;
    var submitter = event.submitter;
    var source = confirmSource(form, submitter);
    if (!source || form.hasAttribute("data-confirmed")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    askToConfirm(source, function (note) {
      hiddenField(form, "confirmed", "1");
      if (note !== null) hiddenField(form, "note", note);
      form.setAttribute("data-confirmed", "");
      try { form.requestSubmit(submitter || undefined); } finally { form.removeAttribute("data-confirmed"); }
    });
  }, true);

  // A page that comes back with form errors: focus the first field to correct.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main [aria-invalid=true]");
    if (invalid) invalid.focus();
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
