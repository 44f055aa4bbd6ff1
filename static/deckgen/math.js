/* deckgen math plugin for reveal.js: typesets the build's arithmatex elements with the global `katex`.
 *   <span class="arithmatex">\(x^2\)</span>      inline
 *   <div class="arithmatex">\[ x^2 \]</div>      display ($…$ and $$…$$ delimiters work too)
 */
(function () {
  'use strict';

  var DONE = 'data-deckgen-math';
  // [open, close, display]; longer delimiters first so "$$" is not read as "$".
  var DELIMITERS = [['\\(', '\\)', false], ['\\[', '\\]', true], ['$$', '$$', true], ['$', '$', false]];
  var deck = null;

  function parse(el) {
    var text = el.textContent.trim();
    for (var i = 0; i < DELIMITERS.length; i++) {
      var open = DELIMITERS[i][0], close = DELIMITERS[i][1];
      if (text.length >= open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
        var inner = parse({ textContent: text.slice(open.length, text.length - close.length), tagName: 'SPAN' });
        // "$\(x\)$" (delimiters twice, as some reveal-md decks write) is one formula.
        var nested = inner.tex !== text.slice(open.length, text.length - close.length).trim();
        return { tex: nested ? inner.tex : text.slice(open.length, text.length - close.length),
          display: DELIMITERS[i][2] };
      }
    }
    // No delimiters, e.g. a bare \begin{align}…\end{align} block.
    return { tex: text, display: el.tagName !== 'SPAN' };
  }

  /* Typeset every .arithmatex inside element not done yet; return how many were typeset. */
  function renderIn(element) {
    if (!window.katex) {
      console.warn('deckgen: KaTeX is not loaded; math stays as TeX source');
      return 0;
    }
    var found = element.querySelectorAll('.arithmatex:not([' + DONE + '])');
    Array.prototype.forEach.call(found, function (el) {
      var math = parse(el);
      window.katex.render(math.tex, el, { displayMode: math.display, throwOnError: false });
      el.setAttribute(DONE, '');
    });
    // Delimiters left as text by the build: reveal-md's \\( \\) idiom, math inside raw HTML.
    if (window.renderMathInElement) {
      var slides = element.matches && element.matches('section') ? [element] : element.querySelectorAll('section');
      Array.prototype.forEach.call(slides, function (section) {
        window.renderMathInElement(section, {
          delimiters: [{ left: '$$', right: '$$', display: true }, { left: '\\[', right: '\\]', display: true },
            { left: '\\(', right: '\\)', display: false }],
          ignoredTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code', 'option'],
          ignoredClasses: ['arithmatex', 'katex', 'notes'],
          throwOnError: false
        });
      });
    }
    if (found.length && deck && deck.isReady()) deck.layout();
    return found.length;
  }

  window.DeckgenMath = {
    id: 'math',
    renderIn: renderIn,
    init: function (reveal) {
      deck = reveal;
      if (!renderIn(reveal.getRevealElement())) return;
      // Typeset boxes change size once KaTeX's fonts arrive: lay the deck out again then.
      reveal.on('ready', function () {
        document.fonts.ready.then(function () { reveal.layout(); });
      });
    }
  };
})();
