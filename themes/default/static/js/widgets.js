// The few interactive bits Oscar's shopper templates ask Bootstrap's script for, without its
// 22 KB: closing a message ([data-dismiss=alert]) and the address book's "more" menus
// ([data-toggle=dropdown]). Also: forms marked [data-auto-submit] (a shelf's sort and filter)
// apply a changed choice at once, so paging never runs on a choice that was not applied.
// Without JavaScript the messages stay, the menus' links are reachable, and "Apply" applies.
(function () {
  "use strict";

  function closeMenus(except) {
    document.querySelectorAll(".dropdown-menu.show").forEach(function (menu) {
      if (menu === except) return;
      menu.classList.remove("show");
      var toggle = menu.parentElement.querySelector("[data-toggle=dropdown]");
      if (toggle) toggle.setAttribute("aria-expanded", "false");
    });
  }

  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-dismiss=alert]");
    if (dismiss) {
      event.preventDefault();
      var alert = dismiss.closest(".alert");
      if (alert) alert.remove();
      return;
    }
    var toggle = event.target.closest("[data-toggle=dropdown]");
    if (toggle) {
      event.preventDefault();
      var menu = toggle.parentElement.querySelector(".dropdown-menu");
      if (!menu) return;
      closeMenus(menu);
      var open = menu.classList.toggle("show");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (!event.target.closest(".dropdown-menu")) closeMenus(null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeMenus(null);
  });

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || !form.matches("[data-auto-submit]")) return;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
})();
