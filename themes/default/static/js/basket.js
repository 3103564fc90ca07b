// The AJAX basket (progressive enhancement): add-to-basket forms ([data-basket-add]) post in the
// background and update the header count ([data-basket-count]) and a small mini-basket in place.
// On the basket page, Oscar's own script posts quantity changes and removals; this keeps the
// count in step and submits a changed quantity without a button press. Without JavaScript every
// form still posts normally.
(function () {
  "use strict";

  function setCount(count) {
    document.querySelectorAll("[data-basket-count]").forEach(function (badge) {
      badge.textContent = count ? String(count) : "";
    });
  }

  function statusBox(anchor, id) {
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "mini-basket card card-body shadow-sm";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      anchor.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function showMiniBasket(data) {
    var link = document.querySelector(".basket-link");
    if (!link) return;
    var box = statusBox(link, "mini-basket");
    box.replaceChildren();
    (data.messages || []).slice(0, 1).forEach(function (message) { box.appendChild(text("p", message, "mb-1")); });
    var list = document.createElement("ul");
    list.className = "list-unstyled mb-1";
    (data.lines || []).forEach(function (line) {
      list.appendChild(text("li", line.quantity + " × " + line.title + " — " + line.price));
    });
    box.appendChild(list);
    box.appendChild(text("p", "Total: " + data.total, "font-weight-bold mb-1"));
    var view = text("a", "View basket and check out");
    view.href = link.getAttribute("href");
    box.appendChild(view);
    box.hidden = false;
  }

  function showFormError(form, messages) {
    var box = form.querySelector("[data-basket-error]");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("data-basket-error", "");
      box.setAttribute("role", "alert");
      box.className = "text-danger small mt-1";
      form.appendChild(box);
    }
    box.textContent = (messages || ["Sorry, that could not be added."]).join(" ");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-basket-add]")) return;
    // csrf.js holds the submit until the token is in; it re-submits and we get that event.
    if (event.defaultPrevented) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var error = form.querySelector("[data-basket-error]");
    if (error) error.textContent = "";
    window.bookshop.csrfToken()
      .then(function (token) {
        return fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
        });
      })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) return showFormError(form, result.data.messages);
        setCount(result.data.num_items);
        showMiniBasket(result.data);
      })
      .catch(function () { form.submit(); })  // anything odd: fall back to the plain POST
      .finally(function () { if (button) button.disabled = false; });
  });

  // The basket page: Oscar's script replaces the basket content; keep the header count in step.
  if (window.jQuery) {
    window.jQuery(document).on("ajaxSuccess", function (_event, xhr) {
      var data = xhr.responseJSON;
      if (data && typeof data.num_items === "number") setCount(data.num_items);
    });
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("#basket_formset input[name$='-quantity']")) return;
    if (window.jQuery) window.jQuery("#basket_formset").trigger("submit");
  });
})();
