// Runs after require.js and before the Jupyter widget manager (embed-amd.js), on every
// page with widgets: point require.js and the manager at the copies this site serves
// (_static/offline/, filled by _ext/offline_assets.py), so no widget module, script or
// font is fetched from a CDN.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", script.src).href; // .../_static/offline/
  var manager = base + "html-manager/";
  window.requirejs.config({
    paths: {
      // The anywidget front end (AMD), copied from the installed anywidget wheel.
      anywidget: base + "anywidget/index",
      // The modules embed-amd.js defines find their assets (the icon fonts) next to
      // their own URL: make that URL the folder holding embed-amd.js and the fonts.
      "@jupyter-widgets/html-manager/dist": manager,
      "@jupyter-widgets/html-manager": manager + "html-manager",
      "@jupyter-widgets/base": manager + "base",
      "@jupyter-widgets/controls": manager + "controls",
      "@jupyter-widgets/base7": manager + "base7",
      "@jupyter-widgets/controls7": manager + "controls7",
    },
  });
  window.__jupyter_widgets_assets_path__ = manager;
  // Where the manager would look for a widget module it does not know: this site too
  // (the manager reads this attribute from any script tag when embed-amd.js runs).
  script.setAttribute("data-jupyter-widgets-cdn", base + "npm/");

  // The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the site runs
  // MathJax 3, so give them that call, done with MathJax 3's typesetPromise.
  function typeset(element) {
    var mj = window.MathJax;
    if (mj && typeof mj.typesetPromise === "function") {
      mj.typesetPromise(element ? [element] : undefined).catch(function (err) {
        console.warn("MathJax could not typeset a widget label:", err);
      });
    }
  }
  function addHub() {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (command) {
          typeset(Array.isArray(command) ? command[2] : undefined);
        },
      };
    }
  }
  // MathJax 3 (deferred) replaces window.MathJax when it starts; widgets render on "load".
  addHub();
  document.addEventListener("DOMContentLoaded", addHub);
  window.addEventListener("load", addHub);
})();
