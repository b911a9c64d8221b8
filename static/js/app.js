/* avatarapp: the little behaviour the pages need, kept out of the HTML so the
   Content-Security-Policy can forbid inline scripts, styles and event handlers.
   Setting element.style from a script (CSSOM) is allowed; style="" attributes are not. */
(function () {
  "use strict";

  // A style's colour travels as data-swatch="#rrggbb" and becomes the --swatch custom property.
  function paintSwatches(root) {
    root.querySelectorAll("[data-swatch]").forEach(function (element) {
      element.style.setProperty("--swatch", element.dataset.swatch);
    });
  }

  // A one-time link in a read-only field is selected whole on click, ready to copy.
  document.addEventListener("click", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.matches("input.copyable")) {
      event.target.select();
    }
  });

  paintSwatches(document);
  // htmx announces every piece of HTML it swaps in (the prompt previews, for one).
  document.addEventListener("htmx:load", function (event) {
    paintSwatches(event.detail.elt);
  });
})();
