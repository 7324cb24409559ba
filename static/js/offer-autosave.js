/* Offer editor autosave (progressive enhancement): the page works without it.
 * A form with data-autosave is posted in the background 10 s after a change and when a field
 * loses focus; the server stores what was typed and answers JSON. Texts come from the form's
 * data-*-text attributes (translated in the template); "HH:MM" is replaced by the time. */
(function () {
  "use strict";
  var DELAY = 10000;

  function setup(form) {
    var status = form.querySelector("[aria-live]");
    var dirty = false;
    var timer = null;
    var busy = false;
    var pending = false;  // a save was asked for while another was on its way

    function show(text) {
      if (status) { status.textContent = text; }
    }

    function save() {
      if (busy) { pending = pending || dirty; return; }
      if (!dirty) { return; }
      dirty = false;
      busy = true;
      if (timer) { clearTimeout(timer); timer = null; }
      var body = new FormData(form);
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("not saved"); }
        return response.json().then(function (data) {
          if (!data.saved) { throw new Error("not saved"); }
          var hasErrors = data.errors && Object.keys(data.errors).length > 0;
          var text = form.dataset[hasErrors ? "invalidText" : "savedText"] || "";
          show(text.replace("HH:MM", data.saved_at));
        });
      }).catch(function () {
        dirty = true;
        show(form.dataset.failedText || "");
      }).then(function () {
        busy = false;
        if (pending) { pending = false; save(); }
      });
    }

    function changed() {
      dirty = true;
      if (!timer) { timer = setTimeout(save, DELAY); }
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("focusout", function () { if (dirty) { save(); } });
    form.addEventListener("submit", function () { dirty = false; if (timer) { clearTimeout(timer); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
  });
})();
