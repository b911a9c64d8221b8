/* Reference photos dropped or chosen on a form before it is saved (templates/personas/
   _drop_zone.html): each file is sent on its own to the holding area (personas.uploads), with a
   progress bar, and comes back as a thumbnail with a Remove button; the form's draft id ties them
   to this form, and saving the form attaches them. Without this script the file input is an
   ordinary field posted with the form. */
(function () {
  "use strict";

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  function row(list, file) {
    var item = document.createElement("li");
    item.className = "pending-item is-uploading";
    var name = document.createElement("span");
    name.className = "pending-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    item.append(name, bar);
    list.append(item);
    return { item: item, bar: bar };
  }

  function fail(item, file, message) {
    item.className = "pending-item is-refused";
    item.textContent = file.name + ": " + message;
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "small secondary";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", function () { item.remove(); });
    item.append(" ", dismiss);
  }

  function upload(zone, file) {
    var form = zone.closest("form");
    var shown = row(zone.querySelector("[data-pending-list]"), file);
    var data = new FormData();
    data.append("draft", form.elements.namedItem("draft").value);
    data.append("purpose", zone.dataset.purpose);
    data.append("images", file);
    var request = new XMLHttpRequest();
    request.open("POST", zone.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        shown.bar.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    request.addEventListener("load", function () {
      if (request.status === 200) {
        shown.item.insertAdjacentHTML("beforebegin", request.responseText);
        shown.item.remove();
      } else {
        fail(shown.item, file, request.responseText || "The upload was refused. Try again.");
      }
    });
    request.addEventListener("error", function () {
      fail(shown.item, file, "The upload did not get through. Check the connection and try again.");
    });
    request.send(data);
  }

  function uploadAll(zone, files) {
    Array.prototype.forEach.call(files, function (file) { upload(zone, file); });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var zone = input instanceof HTMLInputElement && input.type === "file" && input.closest("[data-drop-zone]");
    if (zone) {
      uploadAll(zone, input.files);
      input.value = "";  // sent already: the form's own submit must not send them again
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("button[data-remove-url]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", button.dataset.removeUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.addEventListener("load", function () {
      if (request.status < 300) {
        button.closest(".pending-item").remove();
      }
    });
    request.send();
  });

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var zone = event.target instanceof Element && event.target.closest("[data-drop-zone]");
      if (zone) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target instanceof Element && event.target.closest("[data-drop-zone]");
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.classList.remove("is-dragging");
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target instanceof Element && event.target.closest("[data-drop-zone]");
    if (zone) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
      uploadAll(zone, event.dataTransfer.files);
    }
  });
})();
