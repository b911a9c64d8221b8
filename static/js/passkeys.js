// allauth's webauthn.js reports a passkey step that failed or was cancelled as an
// "allauth.error" event (and otherwise only logs it): show the page's sentence instead.
document.addEventListener('allauth.error', function (event) {
  const message = document.querySelector('.passkey-error')
  if (message) {
    event.preventDefault()
    message.hidden = false
  }
})
