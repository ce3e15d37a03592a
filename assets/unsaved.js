// "Leave without saving?" for any page showing an element with data-unsaved (issue 14).
//
// A page marks unsaved edits by rendering e.g. <span data-unsaved="Your weekly hours are
// not saved.">; the availability page does it with its "Unsaved changes" badge. While one
// is on the page:
// - closing the tab, reloading or typing another address asks first (beforeunload: the
//   browser shows its own wording);
// - an in-app link (an SPA route change, which beforeunload does not see) asks with the
//   page's message; Cancel stays on the page with the edits.
(function () {
  "use strict";
  if (window.__unsavedGuard) return;
  window.__unsavedGuard = true;
  function pending() {
    return document.querySelector("[data-unsaved]");
  }
  window.addEventListener("beforeunload", function (event) {
    if (!pending()) return;
    event.preventDefault();
    event.returnValue = ""; // chromium needs it set to show the prompt
  });
  window.addEventListener(
    "click",
    function (event) {
      var marker = pending();
      if (!marker || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      var message = marker.getAttribute("data-unsaved") || "Your changes are not saved.";
      if (!window.confirm(message + " Leave this page without saving?")) {
        event.preventDefault();
        event.stopPropagation(); // before React Router's own click handler
      } else {
        marker.removeAttribute("data-unsaved"); // asked once: no second prompt on unload
      }
    },
    true
  );
})();
