// Sidan's own behaviour, kept out of the HTML so the Content-Security-Policy can forbid
// inline scripts. Delegated on the document, so content swapped in by htmx works too.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // The order form's draft survives a dropped network or a closed tab: kept in this
  // browser only, without what identifies or proves the resident (phone, name, code,
  // photos, the CSRF token), and cleared once the order is placed.
  var DRAFT = "sidan-order-draft";
  var PRIVATE = ["resident_phone", "resident_name", "otp_code", "website", "csrfmiddlewaretoken", "action"];
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && PRIVATE.indexOf(el.name) < 0 && el.type !== "file" && el.type !== "hidden" &&
        el.type !== "password" && el.type !== "submit" && el.type !== "button";
    });
  }
  function saveDraft(form) {
    var draft = {};
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { draft[el.name + "=" + el.value] = true; }
      } else if (el.value) {
        draft[el.name] = el.value;
      }
    });
    try { window.localStorage.setItem(DRAFT, JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }
  function restoreDraft(form) {
    var draft;
    try { draft = JSON.parse(window.localStorage.getItem(DRAFT) || "null"); } catch (e) { draft = null; }
    if (!draft) { return; }
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (draft[el.name + "=" + el.value]) { el.checked = true; }
      } else if (!el.value && draft[el.name]) {
        el.value = draft[el.name];
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-order-placed]")) {
      try { window.localStorage.removeItem(DRAFT); } catch (e) { /* nothing kept */ }
    }
    var form = document.getElementById("order-form");
    if (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
    }
    if ("serviceWorker" in navigator && document.body.classList.contains("resident")) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* not supported here */ });
    }
  });
})();
