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

  // A one-time link in a read-only field is selected whole on focus and on click, ready to copy.
  function selectCopyable(event) {
    if (event.target instanceof HTMLInputElement && event.target.matches("input.copyable")) {
      event.target.select();
    }
  }
  document.addEventListener("click", selectCopyable);
  document.addEventListener("focusin", selectCopyable);

  // The top bar's menus (workspace, Settings, account) are <details>: opening one closes the
  // others, and Escape or a click elsewhere closes the open one. Escape gives the focus back to
  // the menu's button when it was inside the menu, so the keyboard stays where it was.
  var MENUS = "details.menu";

  function closeMenus(except) {
    document.querySelectorAll(MENUS + "[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  // "toggle" does not bubble; a listener in the capture phase still hears it from every menu.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu instanceof HTMLDetailsElement && menu.matches(MENUS) && menu.open) {
      closeMenus(menu);
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll(MENUS + "[open]").forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        menu.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    var inside = event.target instanceof Element ? event.target.closest(MENUS) : null;
    closeMenus(inside);
  });

  paintSwatches(document);
  // htmx announces every piece of HTML it swaps in (the prompt previews, for one).
  document.addEventListener("htmx:load", function (event) {
    paintSwatches(event.detail.elt);
  });
})();
