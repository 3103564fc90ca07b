// Autocomplete for the header search box: suggestions from /search/suggest/ as the shopper types.
// The box is a plain GET form without JavaScript; this only adds an ARIA combobox on top.
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  if (!input || !window.fetch) return;

  var listbox = document.createElement("ul");
  listbox.id = "site-search-suggestions";
  listbox.className = "search-suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Suggestions");
  listbox.hidden = true;
  input.parentNode.appendChild(listbox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var latest = "";
  var active = -1;

  function options() { return listbox.querySelectorAll("[role=option]"); }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function render(results) {
    listbox.textContent = "";
    results.forEach(function (result, i) {
      var item = document.createElement("li");
      item.id = "site-search-suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var link = document.createElement("a");
      link.href = result.url;
      link.tabIndex = -1;
      var title = document.createElement("span");
      title.className = "search-suggestions__title";
      title.textContent = result.title;
      var detail = document.createElement("span");
      detail.className = "search-suggestions__detail";
      detail.textContent = result.detail;
      link.appendChild(title);
      link.appendChild(detail);
      item.appendChild(link);
      listbox.appendChild(item);
    });
    listbox.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    active = -1;
  }

  function suggest() {
    var query = input.value.trim();
    latest = query;
    if (query.length < 2) { close(); return; }
    fetch("/search/suggest/?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (data.query === latest) render(data.results); })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (listbox.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].querySelector("a").href;
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target !== input && !listbox.contains(event.target)) close();
  });
})();
