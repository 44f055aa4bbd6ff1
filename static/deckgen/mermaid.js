/* deckgen mermaid plugin for reveal.js: draws every element of class mermaid (a ```mermaid fence, or a
 * <div class="mermaid"> written by hand) with the global `mermaid` before reveal.js shows the deck, so fragments,
 * the speaker view and PDF export see the drawn diagram.
 * The diagram's colours follow the theme: mermaid's dark theme on dark reveal.js themes.
 */
(function () {
  'use strict';

  var deck = null;

  function luminance(colour) {
    var parts = (colour.match(/[\d.]+/g) || ['255', '255', '255']).map(Number);
    if (parts.length > 3 && parts[3] === 0) return 1; // transparent: the page's white
    return (0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]) / 255;
  }

  function darkTheme() {
    var viewport = document.querySelector('.reveal-viewport') || document.body;
    return luminance(getComputedStyle(viewport).backgroundColor) < 0.5;
  }

  var counter = 0;

  /* Draw one diagram. mermaid lays it out in a box of its own on the page (slides that are not shown have no
   * size, and a diagram measured there comes out empty), then the drawing goes into the slide. */
  function draw(node) {
    var source = node.textContent;
    node.setAttribute('data-processed', '');
    return window.mermaid.render('deckgen-mermaid-' + (counter++), source).then(function (result) {
      node.innerHTML = result.svg;
      if (result.bindFunctions) result.bindFunctions(node);
    }, function (error) {
      node.setAttribute('data-mermaid-error', String(error && error.message || error));
      console.error('deckgen: a mermaid diagram could not be drawn:', error);
    });
  }

  /* Draw the diagrams inside element not drawn yet, one after the other; resolve to how many were drawn. */
  function drawIn(element) {
    if (!window.mermaid) {
      console.warn('deckgen: mermaid is not loaded; diagrams stay as text');
      return Promise.resolve(0);
    }
    var nodes = Array.prototype.slice.call(element.querySelectorAll('.mermaid:not([data-processed])'));
    var done = nodes.reduce(function (previous, node) {
      return previous.then(function () { return draw(node); });
    }, Promise.resolve());
    return done.then(function () {
      if (nodes.length && deck && deck.isReady()) deck.layout();
      return nodes.length;
    });
  }

  window.DeckgenMermaid = {
    id: 'mermaid',
    drawIn: drawIn,
    init: function (reveal) {
      deck = reveal;
      if (!window.mermaid) return drawIn(reveal.getRevealElement());
      window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: darkTheme() ? 'dark' : 'default' });
      // reveal.js waits for this promise: the deck is shown with its diagrams drawn.
      return drawIn(reveal.getRevealElement());
    }
  };
})();
