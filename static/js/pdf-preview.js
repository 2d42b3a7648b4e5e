/* The risk report beside the application: PDF.js (vendored in static/vendor/pdfjs/) draws each page on a canvas
   with a selectable text layer over it, so reviewers read the report where the browser has no PDF plugin and under
   the portal's Content-Security-Policy (scripts and the worker from our own origin, no eval, no inline script).

   Markup (see scenarios/review.html):
     <section data-pdf-preview data-src="…/report/preview/" data-lib="…/pdf.min.mjs" data-worker="…"
              data-cmaps="…/cmaps/" data-fonts="…/standard_fonts/">
       <… data-pdf-status role="status">  <… data-pdf-pages>  buttons [data-pdf-zoom="in|out|fit"]
   Strings come from data-msg-* attributes, so they are translated by the template. */
(function () {
  "use strict";

  function message(root, name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  function setup(root) {
    var status = root.querySelector("[data-pdf-status]");
    var pages = root.querySelector("[data-pdf-pages]");
    var zoomLabel = root.querySelector("[data-pdf-zoom-level]");
    var pdfjs = null;
    var documentProxy = null;
    var zoom = 1; // relative to "fit the pane's width"
    var renderRun = 0;

    function say(text) { status.textContent = text; }

    function fitScale(page) {
      var width = Math.max(pages.clientWidth - 24, 200);
      return (width / page.getViewport({ scale: 1 }).width) * zoom;
    }

    async function renderPage(number, run) {
      var page = await documentProxy.getPage(number);
      if (run !== renderRun) { return; }
      var viewport = page.getViewport({ scale: fitScale(page) });
      var ratio = window.devicePixelRatio || 1;

      var sheet = document.createElement("div");
      sheet.className = "pdf-page";
      sheet.setAttribute("role", "group");
      sheet.setAttribute("aria-label", message(root, "page", { n: number, total: documentProxy.numPages }));
      sheet.dataset.pageNumber = String(number);
      sheet.style.width = Math.floor(viewport.width) + "px";
      sheet.style.height = Math.floor(viewport.height) + "px";
      sheet.style.setProperty("--scale-factor", String(viewport.scale));
      sheet.style.setProperty("--total-scale-factor", String(viewport.scale));

      var canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      canvas.setAttribute("aria-hidden", "true"); // the text layer below carries the words
      sheet.appendChild(canvas);

      var textLayer = document.createElement("div");
      textLayer.className = "textLayer";
      sheet.appendChild(textLayer);
      pages.appendChild(sheet);

      await page.render({
        canvas: canvas, viewport: viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
      }).promise;
      if (run !== renderRun) { return; }
      await new pdfjs.TextLayer({
        textContentSource: page.streamTextContent(), container: textLayer, viewport: viewport,
      }).render();
      page.cleanup();
    }

    async function renderAll() {
      renderRun += 1;
      var run = renderRun;
      pages.textContent = "";
      pages.setAttribute("aria-busy", "true");
      if (zoomLabel) { zoomLabel.textContent = Math.round(zoom * 100) + "%"; }
      for (var n = 1; n <= documentProxy.numPages; n += 1) {
        if (run !== renderRun) { return; }
        await renderPage(n, run);
      }
      if (run === renderRun) {
        pages.setAttribute("aria-busy", "false");
        say(message(root, "ready", { total: documentProxy.numPages }));
        root.dataset.state = "ready";
      }
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-pdf-zoom]");
      if (!button || !documentProxy) { return; }
      var how = button.getAttribute("data-pdf-zoom");
      if (how === "in") { zoom = Math.min(zoom * 1.25, 4); }
      else if (how === "out") { zoom = Math.max(zoom / 1.25, 0.4); }
      else { zoom = 1; }
      renderAll().catch(fail);
    });

    function fail(error) {
      root.dataset.state = "failed";
      pages.setAttribute("aria-busy", "false");
      say(message(root, "failed"));
      if (window.console) { window.console.error(error); }
    }

    say(message(root, "loading"));
    import(root.dataset.lib).then(function (lib) {
      pdfjs = lib;
      pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
      return pdfjs.getDocument({
        url: root.dataset.src,
        cMapUrl: root.dataset.cmaps,
        cMapPacked: true,
        standardFontDataUrl: root.dataset.fonts,
        useWasm: false,
        enableXfa: false,
        isOffscreenCanvasSupported: false,
      }).promise;
    }).then(function (proxy) {
      documentProxy = proxy;
      root.querySelectorAll("[data-pdf-zoom]").forEach(function (b) { b.disabled = false; });
      return renderAll();
    }).catch(fail);
  }

  function start() { document.querySelectorAll("[data-pdf-preview]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
