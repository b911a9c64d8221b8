// htmx 2 swaps no 4xx answer. A 429 from avatarapp is a rate limit whose body is the fragment to
// show in place (the estimate, the key card, the add-key form) with its "Try again in ..."
// sentence, so htmx swaps it like a success. A file, not inline: the Content-Security-Policy
// allows no inline script.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
