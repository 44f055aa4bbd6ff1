// The index page's search box: filters the deck cards by title, description and author as you type.
// Progressive enhancement: without JavaScript the form stays hidden and every card is shown.
(function () {
  "use strict";
  var form = document.querySelector(".deck-search");
  var input = document.getElementById("deck-search");
  var count = document.querySelector(".deck-search-count");
  var none = document.querySelector(".no-match");
  if (!form || !input) return;
  var fold = function (text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var text = function (card, selector) {
    var el = card.querySelector(selector);
    return el ? el.textContent : "";
  };
  var cards = Array.prototype.map.call(document.querySelectorAll(".decks > .deck"), function (card) {
    return { el: card, text: fold([text(card, ".deck-title"), text(card, ".deck-description"),
                                   text(card, ".deck-author")].join(" ")) };
  });

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var match = words.every(function (word) { return card.text.indexOf(word) !== -1; });
      card.el.hidden = !match;
      if (match) shown++;
    });
    if (count) count.textContent = words.length ? shown + " of " + cards.length : "";
    if (none) none.hidden = shown !== 0;
    try {  // keep the search in the address, so it can be shared (file:// pages may refuse)
      var url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      if (url.href !== location.href) history.replaceState(null, "", url.href);
    } catch (error) { /* the address stays as it was */ }
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  input.addEventListener("input", filter);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && input.value) { input.value = ""; filter(); }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; filter(); }
})();
