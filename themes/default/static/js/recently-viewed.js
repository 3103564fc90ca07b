// Recently viewed books, kept in this browser only (localStorage): book pages stay cacheable and
// set no cookie (docs/design.md §4). A book page describes itself in data-recently-viewed-book; any
// page with a [data-recently-viewed] section (book pages, the basket) shows the list.
(function () {
  "use strict";
  var KEY = "bookshop:recently-viewed";
  var MAX = 8;

  function load() {
    try {
      var books = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(books) ? books : [];
    } catch (error) {
      return [];
    }
  }

  function save(books) {
    try { window.localStorage.setItem(KEY, JSON.stringify(books.slice(0, MAX))); } catch (error) { /* private mode */ }
  }

  function section() {
    var found = document.querySelector("[data-recently-viewed]");
    if (found || window.location.pathname.indexOf("/basket/") !== 0) return found;
    // The basket page has no slot of its own: add one under its content.
    var main = document.getElementById("content_inner") || document.querySelector("main");
    if (!main) return null;
    var created = document.createElement("section");
    created.className = "recently-viewed";
    created.setAttribute("data-recently-viewed", "");
    created.setAttribute("aria-label", "Recently viewed");
    var heading = document.createElement("h2");
    heading.textContent = "Recently viewed";
    var list = document.createElement("ul");
    list.className = "recently-viewed__list";
    list.setAttribute("data-recently-viewed-list", "");
    created.appendChild(heading);
    created.appendChild(list);
    main.appendChild(created);
    return created;
  }

  function render(container, books) {
    var list = container.querySelector("[data-recently-viewed-list]");
    list.textContent = "";
    books.forEach(function (book) {
      if (!book || typeof book.url !== "string" || book.url.charAt(0) !== "/") return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = book.url;
      if (book.cover && book.cover.charAt(0) === "/") {
        var image = document.createElement("img");
        image.src = book.cover;
        image.alt = "";
        image.width = 60;
        image.height = 90;
        image.loading = "lazy";
        link.appendChild(image);
      }
      var title = document.createElement("span");
      title.className = "recently-viewed__title";
      title.textContent = book.title;
      link.appendChild(title);
      item.appendChild(link);
      if (book.price) {
        var price = document.createElement("span");
        price.className = "price";
        price.textContent = book.price;
        item.appendChild(price);
      }
      list.appendChild(item);
    });
    container.hidden = !list.children.length;
  }

  var books = load();
  var current = document.querySelector("[data-recently-viewed-book]");
  var currentBook = null;
  if (current) {
    try { currentBook = JSON.parse(current.getAttribute("data-recently-viewed-book")); } catch (error) { currentBook = null; }
  }
  var others = currentBook ? books.filter(function (book) { return book && book.id !== currentBook.id; }) : books;
  var container = section();
  if (container) render(container, others);
  if (currentBook) save([currentBook].concat(others));
})();
