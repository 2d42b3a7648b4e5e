/* Behaviour that pages declare with data attributes, so that no page needs inline script (the Content-Security-
   Policy allows scripts from the portal's own origin only). */
(function () {
  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) { event.preventDefault(); window.print(); }
  });
})();
