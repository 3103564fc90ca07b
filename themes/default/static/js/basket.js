// The AJAX basket (progressive enhancement): add-to-basket forms ([data-basket-add]) post in the
// background, update the header count ([data-basket-count]) and show a toast that never moves the page.
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

  // The toast lives in a live region that exists before anything is announced, fixed to the
  // viewport so the header never moves; it closes with its button, Escape, or after a while.
  var TOAST_SECONDS = 8;
  var region = null;
  var hideTimer = null;

  function toastRegion() {
    if (!region) {
      region = document.createElement("div");
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.className = "basket-toast-region";
      document.body.appendChild(region);
    }
    return region;
  }

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function hideToast() {
    window.clearTimeout(hideTimer);
    if (region) region.replaceChildren();
  }

  function hideLater() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hideToast, TOAST_SECONDS * 1000);
  }

  function showToast(data) {
    var link = document.querySelector(".basket-link");
    var toast = document.createElement("div");
    toast.className = "basket-toast";
    toast.appendChild(text("p", (data.messages || ["Added to your basket."])[0], "basket-toast__title"));
    var list = document.createElement("ul");
    list.className = "basket-toast__lines";
    (data.lines || []).forEach(function (line) {
      list.appendChild(text("li", line.quantity + " × " + line.title + " — " + line.price));
    });
    toast.appendChild(list);
    toast.appendChild(text("p", "Total: " + data.total, "basket-toast__total"));
    var view = text("a", "View basket and check out", "btn btn-primary btn-sm");
    view.href = link ? link.getAttribute("href") : "/basket/";
    toast.appendChild(view);
    var close = text("button", "×", "basket-toast__close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", hideToast);
    toast.appendChild(close);
    // Reading or using the toast keeps it open.
    toast.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
    toast.addEventListener("mouseleave", hideLater);
    toast.addEventListener("focusin", function () { window.clearTimeout(hideTimer); });
    toast.addEventListener("focusout", hideLater);
    toastRegion().replaceChildren(toast);
    hideLater();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && region && region.firstChild) hideToast();
  });

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
        showToast(result.data);
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
