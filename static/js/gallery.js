/* avatarapp galleries: selecting portraits for the bulk bar (templates/gallery/_bulk_bar.html).
   Without this file the gallery still works: each checkbox posts its own id, and a delete is
   confirmed on a page of its own. With it:
   - shift-click ticks (or unticks) every card between the last one clicked and this one;
   - "Select all N matching" ticks every card shown, and the form posts the filter, not ids;
   - the bar says how many are selected, and its actions wait until something is;
   - the ids travel as one comma-separated field, so thousands stay under Django's limit on
     the number of form fields;
   - a delete asks first;
   - on a phone the filter panel starts folded behind its "Filters" summary. */
(function () {
  "use strict";

  var lastClicked = null;

  function bulkForm() {
    return document.querySelector("[data-bulk-form]");
  }

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("input.pick-box"));
  }

  function allMatching(form) {
    var toggle = form.querySelector("[data-select-all]");
    return toggle !== null && toggle.checked;
  }

  function matchingCount() {
    var count = document.getElementById("matching-count");
    var n = count ? parseInt(count.dataset.count || "", 10) : NaN;
    return isNaN(n) ? null : n;
  }

  function selectedCount(form) {
    if (allMatching(form) && matchingCount() !== null) {
      return matchingCount();
    }
    return boxes().filter(function (box) { return box.checked; }).length;
  }

  function refresh() {
    var form = bulkForm();
    if (!form) {
      return;
    }
    var n = selectedCount(form);
    var label = form.querySelector("[data-selected-count]");
    label.hidden = false;
    label.textContent = n.toLocaleString() + " selected";
    form.querySelector("[data-bulk-actions]").disabled = n === 0;
    form.classList.toggle("has-selection", n > 0);
  }

  // Checkboxes post nothing themselves once this file runs: the form sends one field of ids.
  function adopt(root) {
    var form = bulkForm();
    root.querySelectorAll("input.pick-box").forEach(function (box) {
      box.removeAttribute("name");
      if (form && allMatching(form)) {
        box.checked = true;
      }
    });
    root.querySelectorAll("details[data-filter-panel]:not([data-folded])").forEach(function (panel) {
      panel.dataset.folded = "1";
      if (window.matchMedia("(max-width: 640px)").matches) {
        panel.open = false;
      }
    });
    refresh();
  }

  document.addEventListener("click", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement)) {
      return;
    }
    if (box.matches("input.pick-box")) {
      var all = boxes();
      if (event.shiftKey && lastClicked && all.indexOf(lastClicked) !== -1) {
        var from = all.indexOf(lastClicked);
        var to = all.indexOf(box);
        all.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (other) {
          other.checked = box.checked;
        });
      }
      lastClicked = box;
      var form = bulkForm();
      if (!box.checked && form) {
        form.querySelector("[data-select-all]").checked = false;
      }
      refresh();
    } else if (box.matches("[data-select-all]")) {
      boxes().forEach(function (other) { other.checked = box.checked; });
      refresh();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-bulk-form]")) {
      return;
    }
    var action = event.submitter ? event.submitter.value : "";
    if (action === "delete") {
      var n = selectedCount(form);
      var question = "Delete " + n.toLocaleString() + (n === 1 ? " portrait" : " portraits") +
        "? Their files are removed from storage and this cannot be undone.";
      if (!window.confirm(question)) {
        event.preventDefault();
        return;
      }
      hidden(form, "confirmed").value = "1";
    }
    var ids = allMatching(form) ? [] : boxes().filter(function (box) { return box.checked; });
    hidden(form, "images").value = ids.map(function (box) { return box.value; }).join(",");
  });

  function hidden(form, name) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  adopt(document);
  // htmx announces every piece of HTML it swaps in: a persona's gallery, new results, the next
  // page of cards, the filter panel (whose count of matching portraits the bar shows).
  document.addEventListener("htmx:load", function (event) {
    adopt(event.detail.elt);
  });
})();
