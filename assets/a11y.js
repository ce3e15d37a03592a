// Focus goes back where it came from when a dialog closes (issue 14, WCAG 2.4.3).
//
// Radix returns focus to a dialog's own <Trigger>; our dialogs opened from state
// (confirmations, "really leave?") have none, and focus fell to <body>, so a keyboard
// user started again at the top of the page. Here: remember the last focused element
// outside any dialog; when the last open dialog goes away and focus is on <body>, focus
// that element again (or <main> when it is gone, e.g. the row it belonged to was removed).
(function () {
  "use strict";
  if (window.__dialogFocusReturn) return;
  window.__dialogFocusReturn = true;
  var DIALOG = '[role="dialog"], [role="alertdialog"]';
  var last = null;
  document.addEventListener(
    "focusin",
    function (event) {
      var el = event.target;
      if (el && el.closest && !el.closest(DIALOG)) last = el;
    },
    true
  );
  var open = false;
  function restore() {
    var active = document.activeElement;
    if (active && active !== document.body) return;
    if (last && last.isConnected && !last.disabled) {
      last.focus();
    } else {
      var main = document.querySelector("main");
      if (main) {
        if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
        main.focus();
      }
    }
  }
  new MutationObserver(function () {
    var now = document.querySelector(DIALOG) !== null;
    if (open && !now) setTimeout(restore, 0); // after Radix's own focus handling
    open = now;
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
