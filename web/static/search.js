// Search as you type: ask the API after a short pause and redraw the hits.
// Snippets come from the server already escaped, with matches in <mark>.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var results = document.getElementById("results");
  if (!input || !results) return;
  var timer = null, seq = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function draw(data) {
    results.textContent = "";
    results.appendChild(el("p", "muted", data.total + (data.total === 1 ? " result" : " results")));
    data.hits.forEach(function (h) {
      var art = el("article", "hit hit-" + h.type);
      var h3 = el("h3"), a = el("a", "", h.title);
      a.href = h.url;
      h3.appendChild(a);
      if (h.heading) h3.appendChild(el("span", "muted", " — " + h.heading));
      art.appendChild(h3);
      var p = el("p", "snippet");
      p.innerHTML = h.snippet; // escaped by the server; only <mark> added
      art.appendChild(p);
      results.appendChild(art);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim(), mine = ++seq;
      if (q.length < 2) return;
      fetch("/api/v1/search?limit=20&q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== seq || !data.hits) return;
          draw(data);
          history.replaceState(null, "", "/search?q=" + encodeURIComponent(q));
        })
        .catch(function () {});
    }, 200);
  });
})();
