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
})();
