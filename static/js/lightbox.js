/* The image page (lightbox): the left and right arrow keys go to the previous and next image in
   the gallery's selection, by following the page's own Previous/Next links (rel="prev"/"next"),
   which carry the filter. The compare view's row page (templates/gallery/compare_row.html) uses
   it the same way, between rows. Arrows typed into a field, or with a modifier key, are left
   alone. */
(function () {
  "use strict";

  var LINKS = { ArrowLeft: 'a[rel="prev"]', ArrowRight: 'a[rel="next"]' };

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || target.closest("input, textarea, select") !== null);
  }

  document.addEventListener("keydown", function (event) {
    var selector = LINKS[event.key];
    if (!selector || event.defaultPrevented || typing(event.target) ||
        event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var link = document.querySelector(selector);
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
