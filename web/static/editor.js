// Live preview for the Markdown editor. The server renders and sanitises;
// this script only sends the text and shows the answer, debounced.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!body || !preview) return;
  var csrf = preview.getAttribute("data-csrf");
  // The sentences come from the page, in its language.
  function say(name) { return preview.getAttribute("data-msg-" + name) || ""; }
  var timer = null, seq = 0, shown = 0;

  // showProblem puts a sentence in the pane instead of the rendering: the
  // server's reason (a text nested too deep, too large, a busy service) as
  // text, never as HTML. The text in the editor is untouched.
  function showProblem(message, status) {
    var p = document.createElement("p");
    p.className = "error preview-problem";
    p.setAttribute("role", "alert");
    if (status) p.setAttribute("data-status", String(status));
    p.textContent = message;
    preview.replaceChildren(p);
  }

  function refresh() {
    var mine = ++seq;
    fetch("/api/v1/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({body: body.value})
    }).then(function (r) {
      return r.json().then(function (j) { return {ok: r.ok, status: r.status, j: j}; },
        function () { return {ok: false, status: r.status, j: {}}; });
    }).then(function (res) {
      if (mine < shown) return; // an older answer arriving late
      shown = mine;
      if (res.ok) {
        preview.innerHTML = res.j.html; // sanitised by the server
        preview.setAttribute("data-rendered", String(mine));
      } else {
        var msg = res.j.error && res.j.error.message ? res.j.error.message : say("failed");
        showProblem(say("none") + " " + msg, res.status);
      }
    }).catch(function () {
      showProblem(say("unavailable"), 0);
    });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  refresh();
})();
