/* Copy buttons: <button data-copy="FIELD-ID" data-copy-status="STATUS-ID"> copies the value of a
   read-only field (an invitation link) to the clipboard and says so in the status beside it.
   The field is the fallback that always works: it selects itself whole on focus (app.js), ready
   for Ctrl+C, and the button stays hidden where this script does not run. */
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    function say(copied) {
      status.textContent = copied ? "Copied" : "The link is selected: press Ctrl+C to copy it.";
    }
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { say(true); },
        function () { say(document.execCommand("copy")); }
      );
    } else {
      say(document.execCommand("copy"));
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (button) {
      copy(button);
    }
  });

  reveal(document);
  // The invitations part of the Members page is swapped in by htmx when a link is created.
  document.addEventListener("htmx:load", function (event) {
    reveal(event.detail.elt);
  });
})();
