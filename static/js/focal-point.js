/* The focal point picker on the image page (templates/gallery/_focal_point.html). Without this
   script a click on the picture still works: the browser posts where it landed in pixels of the
   picture as the server drew it. This script measures the click on the picture as it is actually
   shown (a narrow screen may draw it smaller) and posts fractions, x and y, which the server
   prefers. A keyboard "click" (Enter or Space) has no position: instead of setting the top-left
   corner, it opens the number fields. */
(function () {
  "use strict";

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function fill(form, selector, value) {
    var field = form.querySelector(selector);
    field.value = value.toFixed(4);
    field.disabled = false;
  }

  document.addEventListener("click", function (event) {
    var picker = event.target instanceof Element ? event.target.closest("input.focal-image") : null;
    if (!picker || !picker.form) {
      return;
    }
    if (event.detail === 0) {
      event.preventDefault();
      var numbers = picker.closest(".focal-point").querySelector("details.focal-numbers");
      numbers.open = true;
      numbers.querySelector("input[type=number]").focus();
      return;
    }
    var box = picker.getBoundingClientRect();
    fill(picker.form, "input.focal-x", clamp((event.clientX - box.left) / box.width));
    fill(picker.form, "input.focal-y", clamp((event.clientY - box.top) / box.height));
  });
})();
