/* avatarapp: tile groups on the Generate page keep the keyboard path short.
   A fieldset marked data-tile-group is one Tab stop: Tab enters it on its first picked tile (or
   its first tile), the arrow keys, Home and End move between its tiles, Space picks as ever.
   Without this script every checkbox is a Tab stop of its own, which still works. */
(function () {
  "use strict";

  function tiles(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("input[type=checkbox]"),
      function (box) { return !box.disabled; }
    );
  }

  // One tile of the group is reachable by Tab: `current`, else the first picked, else the first.
  function rove(group, current) {
    var boxes = tiles(group);
    var stop = current || boxes.find(function (box) { return box.checked; }) || boxes[0];
    boxes.forEach(function (box) { box.tabIndex = box === stop ? 0 : -1; });
  }

  var STEPS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    var group = box instanceof HTMLInputElement && box.closest("[data-tile-group]");
    if (!group) {
      return;
    }
    var boxes = tiles(group);
    var at = boxes.indexOf(box);
    var next;
    if (event.key in STEPS) {
      next = boxes[(at + STEPS[event.key] + boxes.length) % boxes.length];
    } else if (event.key === "Home") {
      next = boxes[0];
    } else if (event.key === "End") {
      next = boxes[boxes.length - 1];
    }
    if (next) {
      event.preventDefault();
      rove(group, next);
      next.focus();
    }
  });

  // A click on a tile makes it the group's Tab stop too.
  document.addEventListener("focusin", function (event) {
    var group = event.target instanceof HTMLInputElement && event.target.closest("[data-tile-group]");
    if (group) {
      rove(group, event.target);
    }
  });

  // `root` may be a group itself: the Models group is redrawn whole when a persona is ticked.
  function setUp(root) {
    if (root.matches && root.matches("[data-tile-group]")) {
      rove(root);
    }
    root.querySelectorAll("[data-tile-group]").forEach(function (group) { rove(group); });
  }

  setUp(document);
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
})();
