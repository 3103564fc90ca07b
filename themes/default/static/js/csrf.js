// CSRF for cacheable pages (docs/design.md §4): their forms carry an empty token field, filled here
// at submit time from the csrftoken cookie, or from the uncached /_/csrf/ endpoint, which also
// sets that cookie. Without JavaScript the server shows a friendly confirm form instead.
(function () {
  "use strict";
  var pending = null;

  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function csrfToken() {
    var token = cookieToken();
    if (token) return Promise.resolve(token);
    if (!pending) {
      pending = fetch("/_/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("CSRF endpoint answered " + response.status);
          return response.json();
        })
        .then(function (data) { return data.token; })
        .finally(function () { pending = null; });
    }
    return pending;
  }

  window.bookshop = window.bookshop || {};
  window.bookshop.csrfToken = csrfToken;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = form.querySelector && form.querySelector("[data-csrf-field]");
    if (!field || field.value || event.defaultPrevented) return;
    // Hold the submit until the token is in place, then submit for real (or let an
    // enhancing script that listens later handle it: it sees the field filled).
    event.preventDefault();
    csrfToken().then(function (token) {
      field.value = token;
      // Outside this submit's dispatch: with the cookie already there the promise settles while
      // the event is still firing, and browsers ignore a requestSubmit() made during it.
      setTimeout(function () {
        if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
        else form.submit();
      }, 0);
    }, function () { form.submit(); });
  }, true);
})();
