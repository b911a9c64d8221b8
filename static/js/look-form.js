/* The persona and style forms "by looking" (templates/personas/persona_form.html, style_form.html):
   - the live preview: an <img data-live-preview> whose URL is data-base plus the form's fields named
     in data-fields, rewritten (debounced) as they change, so the server draws the unsaved look;
     without this script, the "Update preview" button posts the form and the page comes back drawn;
   - chips with a text box ("Other"): typing picks Other, picking a chip empties the box;
   - the colour picker beside a hex text box: each follows the other.
   Event delegation on the document, so the forms htmx swaps in after a refused save keep working. */
(function () {
  "use strict";

  var DELAY_MS = 250;
  var HEX = /^#?[0-9a-fA-F]{6}$/;
  var timer = null;

  function previewUrl(image) {
    var form = image.closest("form");
    var wanted = (image.dataset.fields || "").split(" ");
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && wanted.indexOf(name) !== -1) {
        params.append(name, value);
      }
    });
    return image.dataset.base + "&" + params.toString();
  }

  function refreshPreviews(form) {
    form.querySelectorAll("img[data-live-preview]").forEach(function (image) {
      var url = previewUrl(image);
      if (image.getAttribute("src") !== url) {
        image.classList.add("is-loading");
        image.setAttribute("src", url);
      }
    });
  }

  function schedule(form) {
    if (!form || !form.querySelector("img[data-live-preview]")) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { refreshPreviews(form); }, DELAY_MS);
  }

  function followChips(target) {
    var group = target.closest(".chips-field");
    if (!group) {
      return;
    }
    var text = group.querySelector(".chips-other input");
    if (!text) {
      return;
    }
    if (target === text) {
      var other = group.querySelector('input[type="radio"][value="other"]');
      if (other && text.value.trim() !== "") {
        other.checked = true;
      }
    } else if (target.type === "radio" && target.value !== "other") {
      text.value = "";
    }
  }

  function followColour(target) {
    if (target.matches("input[type=color][data-colour-for]")) {
      var text = document.getElementById(target.dataset.colourFor);
      if (text) {
        text.value = target.value;
      }
    } else if (target.id) {
      var picker = document.querySelector('input[data-colour-for="' + target.id + '"]');
      if (picker && HEX.test(target.value.trim())) {
        picker.value = "#" + target.value.trim().replace("#", "").toLowerCase();
      }
    }
  }

  function onChange(event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement ||
          target instanceof HTMLTextAreaElement)) {
      return;
    }
    followChips(target);
    followColour(target);
    schedule(target.form);
  }

  function enhance(root) {
    root.querySelectorAll("input[type=color][data-colour-for]").forEach(function (picker) {
      picker.hidden = false;
    });
    // The preview follows the fields by itself: the no-script button is not needed.
    root.querySelectorAll("[data-preview-button]").forEach(function (button) {
      button.hidden = true;
    });
  }

  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);
  function loaded(event) {
    if (event.target instanceof HTMLImageElement && event.target.matches("[data-live-preview]")) {
      event.target.classList.remove("is-loading");
    }
  }
  // load and error do not bubble: listen while they travel down.
  document.addEventListener("load", loaded, true);
  document.addEventListener("error", loaded, true);
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
  enhance(document);
})();
