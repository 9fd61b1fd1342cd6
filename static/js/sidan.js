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
  // The code button counts down the seconds before another code may be asked for
  // (data-countdown, from the server), then comes back. Without JavaScript the button
  // stays usable and the server answers "please wait" instead.
  function countDown(button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10);
    if (!(left > 0) || button.dataset.counting) { return; }
    var label = button.textContent;
    var template = button.getAttribute("data-countdown-label") || "#";
    button.dataset.counting = "1";
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    function tick() {
      if (left <= 0) {
        button.textContent = label;
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        button.setAttribute("data-countdown", "0");
        delete button.dataset.counting;
        return;
      }
      button.textContent = template.replace("#", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  function startCountdowns(root) {
    var buttons = (root || document).querySelectorAll("[data-countdown]");
    for (var i = 0; i < buttons.length; i++) { countDown(buttons[i]); }
  }
  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); });
  document.addEventListener("htmx:load", function (event) { startCountdowns(event.target); });
  // Header drop-downs: one open at a time; a click elsewhere or Escape closes them.
  function closeMenus(except) {
    var open = document.querySelectorAll("details.navgroup[open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) { open[i].removeAttribute("open"); }
    }
  }
  document.addEventListener("click", function (event) {
    var group = event.target.closest && event.target.closest("details.navgroup");
    closeMenus(group);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
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
      // The offline notice speaks the page's language, whatever the browser's own is.
      var lang = encodeURIComponent(document.documentElement.lang || "");
      navigator.serviceWorker.register("/sw.js?lang=" + lang).catch(function () { /* not supported here */ });
    }
  });
})();
