// The header's personal bits on pages that may come from the shared cache (docs/design.md §4).
// Cached HTML is the same for everyone; this fills in the name, the dashboard link and the
// basket count from the uncached /_/me/. The session and basket cookies are HttpOnly, so the
// server sets a readable marker cookie (bookshop_personal) next to them: without it the visitor
// has nothing personal and no request is made.
(function () {
  "use strict";

  function hasPersonalMarker() {
    return /(?:^|;\s*)bookshop_personal=/.test(document.cookie);
  }

  function show(data) {
    var greeting = document.querySelector("[data-account-greeting]");
    if (greeting && data.authenticated) {
      greeting.textContent = "Hello, " + data.name;
      greeting.hidden = false;
    }
    var dashboard = document.querySelector("[data-dashboard-link]");
    if (dashboard) dashboard.hidden = !data.is_staff;
    document.querySelectorAll("[data-basket-count]").forEach(function (badge) {
      badge.textContent = data.basket_count ? String(data.basket_count) : "";
    });
  }

  function refresh() {
    if (!hasPersonalMarker()) return Promise.resolve();
    return fetch("/_/me/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(data); })
      .catch(function () { /* the header simply stays neutral */ });
  }

  window.bookshop = window.bookshop || {};
  window.bookshop.refreshPersonalHeader = refresh;
  refresh();
})();
