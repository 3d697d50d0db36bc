// Live preview for the Markdown editor. The server renders and sanitises;
// this script only sends the text and shows the answer, debounced.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!body || !preview) return;
  var csrf = preview.getAttribute("data-csrf");
  var timer = null, seq = 0, shown = 0;

  function refresh() {
    var mine = ++seq;
    fetch("/api/v1/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({body: body.value})
    }).then(function (r) {
      return r.json().then(function (j) { return {ok: r.ok, j: j}; });
    }).then(function (res) {
      if (mine < shown) return; // an older answer arriving late
      shown = mine;
      if (res.ok) {
        preview.innerHTML = res.j.html; // sanitised by the server
        preview.setAttribute("data-rendered", String(mine));
      } else {
        preview.textContent = res.j.error ? res.j.error.message : "The preview failed.";
      }
    }).catch(function () {
      preview.textContent = "The preview is unavailable; your text is still here and can be saved.";
    });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  refresh();
})();
