// Oscar's page set-up, which Oscar's own base template starts from an inline script. Shop pages
// are served under a Content-Security-Policy without inline scripts (docs/accounts.md), so the
// calls Oscar's templates put in their `onbodyload` blocks are made here, page by page.
$(function () {
    oscar.init();
    var basket = document.getElementById("basket_formset");
    if (basket) {
        oscar.basket.init({ basketURL: basket.getAttribute("action") || window.location.pathname });
    }
    if (document.querySelector("form input[name=options]")) {  // the checkout gateway
        oscar.checkout.gateway.init();
    }
});
