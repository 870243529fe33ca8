/* landgis staff pages: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Links in the map's popups (a case, a parcel) open in the whole window, not the frame.
  function followMapLinks(frame) {
    var doc;
    try {
      doc = frame.contentDocument;
    } catch (e) {
      return;
    }
    if (!doc || doc.landgisLinks) { return; }
    doc.landgisLinks = true;
    doc.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.landgis-link") : null;
      if (!link) { return; }
      var href = link.getAttribute("href") || "";
      if (href.charAt(0) === "/" && href.charAt(1) !== "/") {
        event.preventDefault();
        window.location.assign(href);
      }
    });
  }

  function wireFrames() {
    Array.prototype.forEach.call(document.querySelectorAll("iframe.map-frame"), function (frame) {
      frame.addEventListener("load", function () { followMapLinks(frame); });
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") {
        followMapLinks(frame);
      }
    });
  }

  // A form submitted once stays submitted: a second click does not post it again.
  function guardForms() {
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
      form.addEventListener("submit", function () {
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  }

  // Opening one action closes the others, so the page stays short on a tablet.
  function singleOpenActions() {
    var panels = document.querySelectorAll("#actions details.transition");
    Array.prototype.forEach.call(panels, function (panel) {
      panel.addEventListener("toggle", function () {
        if (!panel.open) { return; }
        Array.prototype.forEach.call(panels, function (other) {
          if (other !== panel) { other.open = false; }
        });
      });
    });
  }

  // Back to a page kept by the browser: its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("button[type=submit]"), function (b) {
      b.disabled = false;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    wireFrames();
    guardForms();
    singleOpenActions();
  });
})();
