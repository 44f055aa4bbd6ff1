/* deckgen highlight plugin for reveal.js: syntax colours from the global `hljs`
 * (highlight.js cdn-assets build), line numbers and stepped line highlights.
 *
 * Input, as deckgen's build writes it (code escaped once):
 *   <pre><code class="language-python" data-line-numbers="1|2-3,5" data-ln-start-from="10">…</code></pre>
 * Output for data-line-numbers, in the DOM reveal.css styles:
 *   <pre class="code-wrapper">
 *     <code class="hljs language-python has-highlights" data-line-numbers="1">   (step 1)
 *       <table class="hljs-ln"><tbody>
 *         <tr class="highlight-line" data-line-number="10">
 *           <td class="hljs-ln-line hljs-ln-numbers" data-line-number="10"><div class="hljs-ln-n" data-line-number="10"></div></td>
 *           <td class="hljs-ln-line hljs-ln-code" data-line-number="10">…one line, every tag closed…</td>
 *     <code class="… fragment" data-line-numbers="2-3,5">…</code>              (step 2, a clone)
 * Step items count rows from 1 as reveal does, whatever data-ln-start-from says.
 */
(function () {
  'use strict';

  var DONE = 'data-deckgen-highlighted';
  var TOKEN = /<(\/?)([a-zA-Z][\w-]*)[^>]*>|\r\n|\r|\n/g;
  var VOID = /^(br|img|hr|wbr|input)$/i;
  var lastShown = new WeakMap(); // pre -> the step <code> last scrolled there

  /* Split highlighted HTML into lines, closing open tags at each line end and reopening them after. */
  function splitLines(html) {
    var lines = [], open = [], line = '', last = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(html))) {
      line += html.slice(last, match.index);
      last = TOKEN.lastIndex;
      if (match[2]) {
        line += match[0];
        if (match[1]) open.pop();
        else if (!VOID.test(match[2]) && !/\/>$/.test(match[0])) open.push(match);
      } else {
        lines.push(line + open.map(function (tag) { return '</' + tag[2] + '>'; }).reverse().join(''));
        line = open.map(function (tag) { return tag[0]; }).join('');
      }
    }
    lines.push(line + html.slice(last));
    if (lines.length > 1 && !textOf(lines[lines.length - 1]).trim()) lines.pop();
    return lines;
  }

  function textOf(html) {
    return html.replace(/<[^>]*>/g, '');
  }

  function lineTable(code) {
    var start = parseInt(code.getAttribute('data-ln-start-from'), 10);
    if (isNaN(start)) start = 1;
    var rows = splitLines(code.innerHTML).map(function (html, i) {
      var n = ' data-line-number="' + (start + i) + '"';
      return '<tr' + n + '><td class="hljs-ln-line hljs-ln-numbers"' + n + '><div class="hljs-ln-n"' + n +
        '></div></td><td class="hljs-ln-line hljs-ln-code"' + n + '>' + (textOf(html) ? html : html + ' ') +
        '</td></tr>';
    });
    code.innerHTML = '<table class="hljs-ln"><tbody>' + rows.join('') + '</tbody></table>';
  }

  /* "1|2-3,5||*" -> [[[1,1]], [[2,3],[5,5]], null, null]; null means every line (nothing dimmed). */
  function parseSteps(spec) {
    return spec.split('|').map(function (step) {
      step = step.replace(/\s/g, '');
      if (step === '' || step === '*') return null;
      return step.split(',').map(function (item) {
        var m = /^(\d+)(?:-(\d+))?$/.exec(item);
        return m ? [+m[1], +(m[2] || m[1])] : null;
      }).filter(Boolean);
    });
  }

  function formatStep(ranges) {
    return ranges ? ranges.map(function (r) { return r[0] === r[1] ? r[0] : r[0] + '-' + r[1]; }).join(',') : '';
  }

  function markLines(code, ranges) {
    var rows = code.querySelectorAll('table.hljs-ln > tbody > tr');
    var any = false;
    Array.prototype.forEach.call(rows, function (row, i) {
      var on = !!ranges && ranges.some(function (r) { return i + 1 >= r[0] && i + 1 <= r[1]; });
      row.classList.toggle('highlight-line', on);
      any = any || on;
    });
    code.classList.toggle('has-highlights', any);
  }

  function colour(code) {
    if (code.classList.contains('hljs')) return; // coloured when the deck was built
    var hljs = window.hljs;
    var named = /\blang(?:uage)?-([\w-]+)/.exec(code.className);
    if (hljs && (!named || hljs.getLanguage(named[1]))) hljs.highlightElement(code);
    code.classList.add('hljs'); // unknown languages stay plain text, styled like the rest
  }

  /* Highlight one <code>; with line steps, add one clone per further step as a fragment after it. */
  function highlightBlock(code) {
    code.setAttribute(DONE, '');
    code.parentNode.classList.add('code-wrapper');
    colour(code);
    if (!code.hasAttribute('data-line-numbers') || !code.textContent.trim()) return;
    lineTable(code);
    var steps = parseSteps(code.getAttribute('data-line-numbers'));
    var index = parseInt(code.getAttribute('data-fragment-index'), 10);
    var after = code;
    steps.slice(1).forEach(function (ranges) {
      var step = code.cloneNode(true);
      step.setAttribute('data-line-numbers', formatStep(ranges));
      step.classList.add('fragment');
      // Without an explicit start, DOM order places the steps among the slide's other fragments.
      if (isNaN(index)) step.removeAttribute('data-fragment-index');
      else step.setAttribute('data-fragment-index', index++);
      markLines(step, ranges);
      after.parentNode.insertBefore(step, after.nextSibling);
      after = step;
    });
    if (steps.length > 1) {
      code.removeAttribute('data-fragment-index');
      code.setAttribute('data-line-numbers', formatStep(steps[0]));
    }
    markLines(code, steps[0]);
  }

  function highlightIn(element) {
    var blocks = element.querySelectorAll('pre code:not([' + DONE + ']):not([data-no-highlight])');
    Array.prototype.forEach.call(blocks, highlightBlock);
    return blocks.length;
  }

  /* Scroll the pre's current step so its highlighted lines sit in the middle of the visible area. */
  function scrollToCurrentStep(pre, smooth) {
    var steps = Array.prototype.filter.call(pre.children, function (el) {
      return el.hasAttribute(DONE) && (!el.classList.contains('fragment') || el.classList.contains('visible'));
    });
    var code = steps[steps.length - 1];
    if (!code) return;
    var previous = lastShown.get(pre);
    if (previous && previous !== code) code.scrollTop = previous.scrollTop;
    lastShown.set(pre, code);
    var lines = code.querySelectorAll('tr.highlight-line');
    if (!lines.length || code.scrollHeight <= code.clientHeight) return;
    var box = code.getBoundingClientRect();
    var scale = box.height / code.offsetHeight || 1; // reveal scales the slide
    var top = (lines[0].getBoundingClientRect().top - box.top) / scale + code.scrollTop - code.clientTop;
    var bottom = (lines[lines.length - 1].getBoundingClientRect().bottom - box.top) / scale + code.scrollTop;
    var room = code.clientHeight;
    var target = top - (room - Math.min(bottom - top, room)) / 2;
    code.scrollTo({ top: Math.max(0, target), behavior: smooth ? 'smooth' : 'instant' });
  }

  function onFragments(event) {
    var pres = new Set();
    (event.fragments || []).forEach(function (el) {
      if (el.hasAttribute(DONE)) pres.add(el.parentNode);
    });
    pres.forEach(function (pre) { scrollToCurrentStep(pre, true); });
  }

  function onSlide(event) {
    var slide = event.currentSlide;
    if (slide) slide.querySelectorAll('pre.code-wrapper').forEach(function (pre) { scrollToCurrentStep(pre, false); });
  }

  // The numbers are drawn by CSS, so copying code never copies them.
  var style = document.createElement('style');
  style.textContent = '.hljs-ln{border-collapse:collapse}.hljs-ln-n::before{content:attr(data-line-number)}';
  document.head.appendChild(style);

  window.DeckgenHighlight = {
    id: 'highlight',
    hljs: window.hljs,
    highlightIn: highlightIn,
    init: function (reveal) {
      // Code is coloured at build time; highlight.js comes only for languages the build did not know.
      if (window.hljs) window.hljs.configure({ ignoreUnescapedHTML: true });
      highlightIn(reveal.getRevealElement());
      reveal.on('fragmentshown', onFragments);
      reveal.on('fragmenthidden', onFragments);
      reveal.on('ready', onSlide);
      reveal.on('slidechanged', onSlide);
    }
  };
})();
