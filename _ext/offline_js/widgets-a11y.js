// Runs right after the Jupyter widget manager (embed-amd.js) on every page with widgets,
// before the widgets render (they render on "load"): give the widget snapshots the
// accessible names the ipywidgets front end leaves out.
// - an Image widget's <img> gets its alt text from the model's `alt` (see
//   backprop.widgets.image.AltImage; ipywidgets' Image has no alt of its own);
// - a slider's handle (role="slider") is named by the slider's description.
(function () {
  "use strict";
  function wrap(proto, name, after) {
    var original = proto[name];
    proto[name] = function () {
      var result = original.apply(this, arguments);
      try {
        after.call(this);
      } catch (err) {
        console.warn("widgets-a11y:", err);
      }
      return result;
    };
  }
  window.requirejs(["@jupyter-widgets/controls"], function (controls) {
    wrap(controls.ImageView.prototype, "update", function () {
      var alt = this.model.get("alt");
      if (typeof alt === "string" && alt.trim()) this.el.setAttribute("alt", alt);
    });
    Object.keys(controls)
      .filter(function (k) {
        return /SliderView$/.test(k) && controls[k] && controls[k].prototype;
      })
      .forEach(function (k) {
        wrap(controls[k].prototype, "render", function () {
          var name = this.model.get("description") || this.model.get("tooltip") || "";
          if (!name) return;
          this.el.querySelectorAll('[role="slider"]').forEach(function (handle) {
            handle.setAttribute("aria-label", name);
          });
        });
      });
  });
})();
