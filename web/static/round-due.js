// The round form's consultation period: as the editor types a number of
// working days, the due date the server will compute (GET
// /api/v1/calendar/due, counted from today in the installation's zone) is
// shown beside it as dd.mm.yyyy, with the page's words (data-text). Without
// JavaScript the form works the same; the round shows its due date.
(function () {
  "use strict";
  var input = document.getElementById("round-days");
  var out = document.getElementById("round-days-due");
  if (!input || !out || !window.fetch) return;
  var text = out.getAttribute("data-text") || "{date}";
  var timer = null, asked = 0;

  function show(msg) { out.textContent = msg; }
  function ask() {
    var n = input.value.trim();
    if (!/^\d{1,3}$/.test(n)) { show(""); return; }
    var mine = ++asked;
    fetch("/api/v1/calendar/due?working_days=" + encodeURIComponent(n), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (mine !== asked) return;
        if (body && body.due) {
          var p = body.due.split("-");
          show(text.replace("{date}", p[2] + "." + p[1] + "." + p[0]));
        } else {
          // The refusal is shown, in the reader's language, when the
          // form is sent.
          show("");
        }
      })
      .catch(function () { if (mine === asked) show(""); });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  if (input.value) ask();
})();
