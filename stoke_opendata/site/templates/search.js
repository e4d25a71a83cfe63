// Narrows the A to Z list from search-index.json (built with the site; no server needed). Without this
// script the page is the whole A to Z list, so nothing is lost when scripts are off.
(function () {
  var box = document.getElementById("q"), found = document.getElementById("found");
  var items = Array.prototype.slice.call(document.querySelectorAll("ul.az li"));
  var text = {};
  function words(s) { return s.toLowerCase().split(/[^a-z0-9£%]+/).filter(Boolean); }
  function run() {
    var q = words(box.value);
    var shown = 0;
    items.forEach(function (li) {
      var hay = text[li.getAttribute("data-id")] || li.textContent.toLowerCase();
      var ok = q.every(function (w) { return hay.indexOf(w) >= 0; });
      li.hidden = !ok; if (ok) { shown += 1; }
    });
    document.querySelectorAll("h2[id^='l-']").forEach(function (h) {
      var list = h.nextElementSibling;
      h.hidden = list.querySelectorAll("li:not([hidden])").length === 0; list.hidden = h.hidden;
    });
    found.textContent = q.length ? shown + " of " + items.length + " indicators match." : "All " + items.length + " indicators.";
  }
  fetch("search-index.json").then(function (r) { return r.json(); }).then(function (index) {
    index.forEach(function (e) { text[e.id] = [e.title, e.description, e.unit].join(" ").toLowerCase(); });
  }).catch(function () {}).then(function () {
    var q = new URLSearchParams(location.search).get("q");
    if (q) { box.value = q; }
    run();
  });
  box.addEventListener("input", run);
  box.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
})();
