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

  // What a clerk typed survives a session that ended meanwhile: each posted form is kept
  // in this tab's sessionStorage until the next page. When the server answers with the
  // login page (the session had ended), it sends the clerk back here with "#resume", and
  // the form is filled in again, not submitted. Any other page drops what was kept.
  var PENDING = "landgis.pending-form";
  var SKIPPED = { password: true, file: true, hidden: true, submit: true, button: true };

  function keepTypedForms() {
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
      var action = form.getAttribute("action") || "";
      if (action === "/login" || action === "/logout") { return; }
      form.addEventListener("submit", function () {
        var fields = [];
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name || SKIPPED[el.type]) { return; }
          if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
          fields.push([el.name, el.value]);
        });
        try {
          window.sessionStorage.setItem(PENDING, JSON.stringify({
            page: window.location.pathname, action: action, fields: fields
          }));
        } catch (e) { /* storage full or off: nothing kept */ }
      });
    });
  }

  function restoreTypedForm() {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(PENDING) || "null"); } catch (e) { kept = null; }
    if (document.body.classList.contains("login-body")) { return; }
    try { window.sessionStorage.removeItem(PENDING); } catch (e) { /* nothing to drop */ }
    if (!kept || window.location.hash !== "#resume" || kept.page !== window.location.pathname) {
      return;
    }
    var form = document.querySelector('form[method=post][action="' + kept.action + '"]');
    if (!form) { return; }
    kept.fields.forEach(function (pair) {
      var targets = form.querySelectorAll('[name="' + pair[0] + '"]');
      Array.prototype.forEach.call(targets, function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === pair[1]) { el.checked = true; }
        } else if (!SKIPPED[el.type]) {
          el.value = pair[1];
        }
      });
    });
    var panel = form.closest("details");
    if (panel) { panel.open = true; }
    var notice = document.createElement("p");
    notice.className = "notice stale resumed";
    notice.setAttribute("role", "status");
    notice.textContent = document.documentElement.lang === "en"
      ? "What you typed before logging in again is back in the form below. It was not submitted: check it and submit again."
      : "已恢复重新登录前填写的内容,尚未提交,请核对后再次提交。";
    form.parentNode.insertBefore(notice, form);
    form.scrollIntoView({ block: "center" });
    if (window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  // A select with an "other" choice (data-other: the id of the field to type it in)
  // shows that field only while "other" is chosen; without script it always shows.
  function otherChoices() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-other]"), function (select) {
      var other = document.getElementById(select.getAttribute("data-other"));
      if (!other) { return; }
      function sync() { other.hidden = select.value !== "other"; }
      select.addEventListener("change", sync);
      sync();
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
    restoreTypedForm();
    otherChoices();
    keepTypedForms();
    guardForms();
    singleOpenActions();
  });
})();
