// The admin (starlette-admin pages), issue 14: search as you type keeps the caret.
//
// The list page's search form is re-submitted 400 ms after the last keystroke
// (AdminModelView.search_auto_submit): a full page load. Put focus back in the search box,
// caret at the end, so typing simply goes on.
(function () {
  "use strict";
  var search = document.querySelector('input[type="search"][name="q"]');
  if (search && search.value) {
    search.focus();
    var end = search.value.length;
    try {
      search.setSelectionRange(end, end);
    } catch (e) {
      /* type=search supports it in chromium; ignore where it does not */
    }
  }
})();
