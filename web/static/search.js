// Search as you type: ask the API after a short pause and redraw the hits
// and the facets (whose links and counts belong to the query typed now).
// Snippets come from the server already escaped, with matches in <mark>.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var results = document.getElementById("results");
  var facets = document.getElementById("facets");
  if (!input || !results) return;
  var timer = null, seq = 0;
  var labels = {};
  try { labels = JSON.parse((facets && facets.getAttribute("data-labels")) || "{}"); } catch (e) { labels = {}; }
  // The sentences come from the page, in its language (#search-strings).
  var strings = {};
  try { strings = JSON.parse(document.getElementById("search-strings").textContent); } catch (e) { strings = {}; }
  var names = strings.facets || {};
  var facetNames = ["kind", "status", "language", "year"].map(function (f) { return [f, names[f] || f]; });
  var rules = new Intl.PluralRules(document.documentElement.lang || "en");

  function resultCount(n) {
    var forms = strings.results || {};
    return (forms[rules.select(n)] || forms.other || "{n}").replace("{n}", String(n));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function label(name, value) {
    return (labels[name] && labels[name][value]) || value;
  }

  function drawFacets(q, data) {
    if (!facets) return;
    facets.textContent = "";
    facetNames.forEach(function (f) {
      var counts = (data.facets && data.facets[f[0]]) || {};
      var values = Object.keys(counts).filter(function (v) { return counts[v] > 0; });
      if (!values.length) return;
      values.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0); });
      facets.appendChild(el("h2", "", f[1]));
      var ul = el("ul");
      values.forEach(function (v) {
        var li = el("li"), a = el("a", "", label(f[0], v));
        a.href = "/search?q=" + encodeURIComponent(q) + "&" + f[0] + "=" + encodeURIComponent(v);
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "muted", String(counts[v])));
        ul.appendChild(li);
      });
      facets.appendChild(ul);
    });
  }

  function draw(q, data) {
    results.textContent = "";
    var count = el("p", "muted", resultCount(data.total));
    count.id = "result-count";
    results.appendChild(count);
    data.hits.forEach(function (h) {
      var art = el("article", "hit hit-" + h.type);
      var h3 = el("h3"), a = el("a", "", h.title);
      a.href = h.url;
      h3.appendChild(a);
      if (h.heading) h3.appendChild(el("span", "muted", " — " + h.heading));
      art.appendChild(h3);
      var what = h.type === "comment" ? strings.comment : h.type === "attachment" ? strings.attachment : label("kind", h.kind);
      art.appendChild(el("p", "muted small", [what, label("language", h.language), label("status", h.status), h.year].join(" · ")));
      var p = el("p", "snippet");
      if (h.language) p.lang = h.language;
      p.innerHTML = h.snippet; // escaped by the server; only <mark> added
      art.appendChild(p);
      results.appendChild(art);
    });
    if (!data.hits.length) results.appendChild(el("p", "empty", strings.nothing));
    drawFacets(q, data);
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
          draw(q, data);
          history.replaceState(null, "", "/search?q=" + encodeURIComponent(q));
        })
        .catch(function () {});
    }, 200);
  });
})();
