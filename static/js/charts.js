/* Render every [data-chart] element with ECharts (SVG renderer, aria on) and wire the "以表格查看" toggles.
   The table twin is in the page already, so the data stay readable without JavaScript. */
(function () {
  function render(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
    root.querySelectorAll("[data-chart-toggle]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var table = document.getElementById(button.dataset.chartToggle);
        var open = table.hasAttribute("hidden");
        if (open) { table.removeAttribute("hidden"); } else { table.setAttribute("hidden", ""); }
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
