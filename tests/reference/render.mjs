// Render decks the way reveal.js 6.0.2's markdown plugin does, and read deckgen's built pages the same way.
//
// The plugin code mirrored here is reveal.js 6.0.2's dist/plugin/markdown.mjs (its plugin/markdown/plugin.js,
// bundled with marked 17.0.5, which this folder's package.json pins):
//   * slidify(): the separators are regular expressions matched over the whole text ("mg"), horizontal and
//     vertical joined with "|"; each slide becomes <section data-markdown><script type="text/template">…;
//     notes are split off with the notes regex ("mgi") only when it splits the slide in exactly two, rendered
//     with marked, and appended to the slide's Markdown as <aside class="notes">…</aside>.
//   * the stacks are written into the page with outerHTML (the browser's HTML parser builds them);
//   * convertSlides(): each slide's template text (with __SCRIPT_END__ restored and its leading indentation
//     removed) is rendered with marked: new Marked({renderer: {space: ({raw}) => raw}}) plus the plugin's code
//     renderer, gfm on, no other option; then .slide / .element comments are applied on the DOM
//     (addAttributes / addAttributeInElement, with the plugin's regexes and its list rule).
// Math is then typeset as reveal.js's KaTeX plugin (RevealMath.KaTeX, its default options) would, through
// KaTeX's own auto-render, with a stand-in katex.render that writes <tex-math display="block|inline">TeX</tex-math>
// so that math is compared by its TeX source.
//
// Usage (the npm packages must be installed next to this file, in node_modules/, or in the folder named by
// DECKGEN_REFERENCE_MODULES, which the tests fill with `npm install --prefix`):
//   node render.mjs DECK.md [--separator RE] [--vertical RE] [--notes RE]   render one deck (front matter dropped)
//   node render.mjs --page INDEX.html                                    read one page built by deckgen
//   node render.mjs < request.json                                       a batch, see main() below
// The output is JSON: a list of horizontal slides, each {vertical, attrs, slides: [{attrs, html, notes}]}.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = resolve(process.env.DECKGEN_REFERENCE_MODULES || join(HERE, 'node_modules'));
const require = createRequire(join(MODULES, 'package.json'));

const { JSDOM } = require('jsdom');
const { Marked } = await import(pathToFileURL(join(MODULES, 'marked', 'lib', 'marked.esm.js')).href);
const AUTO_RENDER = readFileSync(join(MODULES, 'katex', 'dist', 'contrib', 'auto-render.js'), 'utf8');

// ---- reveal.js 6.0.2, plugin/markdown/plugin.js (as bundled in dist/plugin/markdown.mjs) ----

const DEFAULT_SLIDE_SEPARATOR = '\r?\n---\r?\n';
// The plugin's source writes '^\s*notes?:' in a plain string literal, where "\s" is just "s": the value the
// shipped plugin uses is "^s*notes?:" (so an indented "  Note:" is not a notes marker in reveal.js).
const DEFAULT_NOTES_SEPARATOR = '^s*notes?:';
const DEFAULT_ELEMENT_ATTRIBUTES_SEPARATOR = '\\.element\\s*?(.+?)$';
const DEFAULT_SLIDE_ATTRIBUTES_SEPARATOR = '\\.slide:\\s*?(\\S.+?)$';
const SCRIPT_END_PLACEHOLDER = '__SCRIPT_END__';
const CODE_LINE_NUMBER_REGEX = /\[\s*((\d*):)?\s*([\s\d,|-]*)\]/;
const HTML_ESCAPE_MAP = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeForHTML(input) {
  return input.replace(/([&<>'"])/g, (char) => HTML_ESCAPE_MAP[char]);
}

function createMarked() {
  // init(): no custom renderer, animateLists and smartypants off, no other markdown option.
  const renderer = {
    code({ text, lang }) {
      let language = lang || '';
      let lineNumberOffset = '';
      let lineNumbers = '';
      if (CODE_LINE_NUMBER_REGEX.test(language)) {
        const lineNumberOffsetMatch = language.match(CODE_LINE_NUMBER_REGEX)[2];
        if (lineNumberOffsetMatch) lineNumberOffset = `data-ln-start-from="${lineNumberOffsetMatch.trim()}"`;
        lineNumbers = language.match(CODE_LINE_NUMBER_REGEX)[3].trim();
        lineNumbers = `data-line-numbers="${lineNumbers}"`;
        language = language.replace(CODE_LINE_NUMBER_REGEX, '').trim();
      }
      text = escapeForHTML(text);
      return `<pre><code ${lineNumbers} ${lineNumberOffset} class="${language}">${text}</code></pre>`;
    },
  };
  const marked = new Marked({ renderer: { space: ({ raw }) => raw } });
  marked.use({ renderer });
  return marked;
}

function getSlidifyOptions(options, config = {}) {
  options = options || {};
  options.separator = options.separator || config.separator || DEFAULT_SLIDE_SEPARATOR;
  options.verticalSeparator = options.verticalSeparator || config.verticalSeparator || null;
  options.notesSeparator = options.notesSeparator || config.notesSeparator || DEFAULT_NOTES_SEPARATOR;
  options.attributes = options.attributes || '';
  return options;
}

function createMarkdownSlide(marked, content, options) {
  options = getSlidifyOptions(options);
  const notesMatch = content.split(new RegExp(options.notesSeparator, 'mgi'));
  if (notesMatch.length === 2) {
    content = notesMatch[0] + '<aside class="notes">' + marked.parse(notesMatch[1].trim()) + '</aside>';
  }
  content = content.replace(/<\/script>/g, SCRIPT_END_PLACEHOLDER);
  return '<script type="text/template">' + content + '</script>';
}

function slidify(marked, markdown, options) {
  options = getSlidifyOptions(options);
  const separatorRegex = new RegExp(
    options.separator + (options.verticalSeparator ? '|' + options.verticalSeparator : ''), 'mg');
  const horizontalSeparatorRegex = new RegExp(options.separator);
  let matches;
  let lastIndex = 0;
  let isHorizontal;
  let wasHorizontal = true;
  let content;
  const sectionStack = [];
  while ((matches = separatorRegex.exec(markdown))) {
    isHorizontal = horizontalSeparatorRegex.test(matches[0]);
    if (!isHorizontal && wasHorizontal) sectionStack.push([]);
    content = markdown.substring(lastIndex, matches.index);
    if (isHorizontal && wasHorizontal) sectionStack.push(content);
    else sectionStack[sectionStack.length - 1].push(content);
    lastIndex = separatorRegex.lastIndex;
    wasHorizontal = isHorizontal;
  }
  (wasHorizontal ? sectionStack : sectionStack[sectionStack.length - 1]).push(markdown.substring(lastIndex));
  let markdownSections = '';
  for (let i = 0, len = sectionStack.length; i < len; i++) {
    if (sectionStack[i] instanceof Array) {
      markdownSections += '<section ' + options.attributes + '>';
      sectionStack[i].forEach(function (child) {
        markdownSections += '<section data-markdown>' + createMarkdownSlide(marked, child, options) + '</section>';
      });
      markdownSections += '</section>';
    } else {
      markdownSections += '<section ' + options.attributes + ' data-markdown>' +
        createMarkdownSlide(marked, sectionStack[i], options) + '</section>';
    }
  }
  return markdownSections;
}

function getMarkdownFromSlide(section) {
  const template = section.querySelector('[data-template]') || section.querySelector('script') || section;
  let text = template.textContent;
  text = text.replace(new RegExp(SCRIPT_END_PLACEHOLDER, 'g'), '</script>');
  const leadingWs = text.match(/^\n?(\s*)/)[1].length;
  const leadingTabs = text.match(/^\n?(\t*)/)[1].length;
  if (leadingTabs > 0) {
    text = text.replace(new RegExp('\\n?\\t{' + leadingTabs + '}(.*)', 'g'), function (m, line) {
      return '\n' + line;
    });
  } else if (leadingWs > 1) {
    text = text.replace(new RegExp('\\n? {' + leadingWs + '}(.*)', 'g'), function (m, line) {
      return '\n' + line;
    });
  }
  return text;
}

function addAttributeInElement(node, elementTarget, separator) {
  const markdownClassesInElementsRegex = new RegExp(separator, 'mg');
  const markdownClassRegex = new RegExp('([^"= ]+?)="([^"]+?)"|(data-[^"= ]+?)(?=[" ])', 'mg');
  let nodeValue = node.nodeValue;
  let matches;
  let matchesClass;
  if ((matches = markdownClassesInElementsRegex.exec(nodeValue))) {
    const classes = matches[1];
    nodeValue = nodeValue.substring(0, matches.index) + nodeValue.substring(markdownClassesInElementsRegex.lastIndex);
    node.nodeValue = nodeValue;
    while ((matchesClass = markdownClassRegex.exec(classes))) {
      if (matchesClass[2]) elementTarget.setAttribute(matchesClass[1], matchesClass[2]);
      else elementTarget.setAttribute(matchesClass[3], '');
    }
    return true;
  }
  return false;
}

function addAttributes(Node, section, element, previousElement, separatorElementAttributes, separatorSectionAttributes) {
  if (element !== null && element.childNodes !== undefined && element.childNodes.length > 0) {
    let previousParentElement = element;
    for (let i = 0; i < element.childNodes.length; i++) {
      const childElement = element.childNodes[i];
      if (i > 0) {
        let j = i - 1;
        while (j >= 0) {
          const aPreviousChildElement = element.childNodes[j];
          if (typeof aPreviousChildElement.setAttribute === 'function' && aPreviousChildElement.tagName !== 'BR') {
            previousParentElement = aPreviousChildElement;
            break;
          }
          j = j - 1;
        }
      }
      let parentSection = section;
      // As in the plugin: nodeName is upper case in HTML documents, so this never matches there.
      if (childElement.nodeName === 'section') {
        parentSection = childElement;
        previousParentElement = childElement;
      }
      if (typeof childElement.setAttribute === 'function' || childElement.nodeType === Node.COMMENT_NODE) {
        addAttributes(Node, parentSection, childElement, previousParentElement, separatorElementAttributes,
          separatorSectionAttributes);
      }
    }
  }
  if (element.nodeType === Node.COMMENT_NODE) {
    let targetElement = previousElement;
    // A comment right after a list (no blank line in between) belongs to its last item.
    const isAfterBlankLine = /\n[ \t]*\n/.test(element.previousSibling?.nodeValue || '');
    if (targetElement && (targetElement.tagName === 'UL' || targetElement.tagName === 'OL') && !isAfterBlankLine) {
      targetElement = targetElement.lastElementChild || targetElement;
    }
    if (addAttributeInElement(element, targetElement, separatorElementAttributes) === false) {
      addAttributeInElement(element, section, separatorSectionAttributes);
    }
  }
}

function convertSlides(marked, Node, revealElement) {
  const sections = revealElement.querySelectorAll('[data-markdown]:not([data-markdown-parsed])');
  [].slice.call(sections).forEach(function (section) {
    section.setAttribute('data-markdown-parsed', true);
    const notes = section.querySelector('aside.notes');
    const markdown = getMarkdownFromSlide(section);
    section.innerHTML = marked.parse(markdown);
    addAttributes(Node, section, section, null,
      section.getAttribute('data-element-attributes') || section.parentNode.getAttribute('data-element-attributes') ||
        DEFAULT_ELEMENT_ATTRIBUTES_SEPARATOR,
      section.getAttribute('data-attributes') || section.parentNode.getAttribute('data-attributes') ||
        DEFAULT_SLIDE_ATTRIBUTES_SEPARATOR);
    if (notes) section.appendChild(notes);
  });
}

// ---- math: reveal.js 6.0.2's RevealMath.KaTeX defaults, through KaTeX's auto-render ----

const KATEX_PLUGIN_OPTIONS = {
  delimiters: [
    { left: '$$', right: '$$', display: true },
    { left: '$', right: '$', display: false },
    { left: '\\(', right: '\\)', display: false },
    { left: '\\[', right: '\\]', display: true },
  ],
  ignoredTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code'],
};

/** A katex stand-in: each typeset element gets one <tex-math> child holding the TeX; return them to unwrap. */
function installKatexStub(window) {
  const typeset = [];
  window.katex = {
    render(tex, element, options) {
      const math = window.document.createElement('tex-math');
      math.setAttribute('display', options && options.displayMode ? 'block' : 'inline');
      math.textContent = String(tex).trim().replace(/\s+/g, ' ');
      element.replaceChildren(math);
      typeset.push(element);
    },
    ParseError: class ParseError extends Error {},
  };
  return typeset;
}

function unwrapMath(typeset) {
  // The element KaTeX was given (auto-render's <span>, deckgen's math element) stands for the formula.
  for (const element of typeset) {
    if (element.isConnected && element.firstChild) element.replaceWith(element.firstChild);
  }
}

// ---- reading the result ----

function slideOf(section) {
  const notes = [];
  for (const aside of [...section.querySelectorAll('aside.notes')]) {
    if (aside.closest('section') !== section) continue;
    notes.push(aside.innerHTML);
    aside.remove();
  }
  const attrs = {};
  for (const attr of section.attributes) attrs[attr.name] = attr.value;
  return { attrs, html: section.innerHTML, notes: notes.join('\n') };
}

function readSlides(slidesElement) {
  const stacks = [];
  for (const section of slidesElement.children) {
    if (section.tagName !== 'SECTION') continue;
    const attrs = {};
    for (const attr of section.attributes) attrs[attr.name] = attr.value;
    const inner = [...section.children].filter((child) => child.tagName === 'SECTION');
    if (inner.length) {
      stacks.push({ vertical: true, attrs, slides: inner.map(slideOf) });
    } else {
      stacks.push({ vertical: false, attrs: {}, slides: [slideOf(section)] });
    }
  }
  return stacks;
}

function newWindow(html) {
  return new JSDOM(html, { runScripts: 'outside-only' }).window;
}

/** Render one deck body (front matter already removed) as reveal.js 6.0.2 with the markdown and KaTeX plugins. */
export function renderDeck(markdown, { separator, verticalSeparator, notesSeparator } = {}, { math = true } = {}) {
  const window = newWindow('<!doctype html><html><body><div class="reveal"><div class="slides">' +
    '<section data-markdown="deck.md"></section></div></div></body></html>');
  const { document } = window;
  const marked = createMarked();
  const revealElement = document.querySelector('.reveal');
  const slidesElement = document.querySelector('.slides');
  // processSlides(): an external Markdown file is slidified and written in place with outerHTML.
  const placeholder = slidesElement.querySelector('section');
  placeholder.outerHTML = slidify(marked, markdown, {
    separator: separator || null,
    verticalSeparator: verticalSeparator || null,
    notesSeparator: notesSeparator || null,
    attributes: '',
  });
  convertSlides(marked, window.Node, revealElement);
  if (math) {
    const typeset = installKatexStub(window);
    window.eval(AUTO_RENDER);
    window.renderMathInElement(slidesElement, { ...KATEX_PLUGIN_OPTIONS });
    unwrapMath(typeset);
  }
  const stacks = readSlides(slidesElement);
  for (const stack of stacks) {
    for (const target of [stack, ...stack.slides]) {
      // The plugin's own bookkeeping, not the author's (a <section data-markdown> written in a slide's Markdown
      // is left alone: the plugin never converts it, and it keeps its attribute).
      if (!('data-markdown-parsed' in target.attrs)) continue;
      delete target.attrs['data-markdown'];
      delete target.attrs['data-markdown-parsed'];
    }
  }
  window.close();
  return stacks;
}

/** Read the slides of a page built by deckgen, with its math typeset by the page's own math scripts. */
export function readPage(path) {
  const html = readFileSync(path, 'utf8');
  const window = newWindow(html);
  const { document } = window;
  let typeset = null;
  const before = new Set(Object.keys(window));
  // A script is linked (src), or in the page itself (deckgen's small files: data-src names the file).
  for (const script of [...document.querySelectorAll('script[src], script[data-src]')]) {
    const inline = !script.hasAttribute('src');
    const src = script.getAttribute(inline ? 'data-src' : 'src').split(/[?#]/)[0];
    const name = src.split('/').pop();
    if (/^katex(\.min)?\.js$/.test(name)) {
      typeset = installKatexStub(window);
    } else if (/auto-render/.test(name) || (/math/i.test(name) && /(^|\/)static\/deckgen\//.test(src))) {
      window.eval(inline ? script.textContent : readFileSync(resolve(dirname(path), decodeURIComponent(src)), 'utf8'));
    }
  }
  const revealElement = document.querySelector('.reveal');
  const slidesElement = document.querySelector('.reveal .slides');
  if (typeset) {
    const reveal = {
      getRevealElement: () => revealElement,
      getSlidesElement: () => slidesElement,
      getConfig: () => ({}),
      isReady: () => false,
      layout() {},
      on() {},
      addEventListener() {},
    };
    // The plugins the page's math scripts defined (reading other window properties may throw in jsdom).
    for (const key of Object.keys(window).filter((name) => !before.has(name))) {
      const plugin = window[key];
      if (plugin && typeof plugin === 'object' && typeof plugin.init === 'function' && /math|katex/i.test(plugin.id || '')) {
        plugin.init(reveal);
      }
    }
    unwrapMath(typeset);
  }
  const stacks = readSlides(slidesElement);
  window.close();
  return stacks;
}

function stripFrontMatter(text) {
  const match = /^---[ \t]*\r?\n(?:[\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  return match ? text.slice(match[0].length) : text;
}

function main(argv) {
  if (argv.length === 0) {
    // {"decks": {ID: {"markdown": …, "separator"?: …, "verticalSeparator"?: …, "notesSeparator"?: …}},
    //  "pages": {ID: "path/to/index.html"}}  ->  {"decks": {ID: stacks}, "pages": {ID: stacks}}
    const request = JSON.parse(readFileSync(0, 'utf8'));
    const out = { decks: {}, pages: {} };
    for (const [id, deck] of Object.entries(request.decks || {})) {
      try {
        out.decks[id] = renderDeck(deck.markdown, deck);
      } catch (error) {
        out.decks[id] = { error: String(error && error.stack || error) };
      }
    }
    for (const [id, path] of Object.entries(request.pages || {})) {
      try {
        out.pages[id] = readPage(path);
      } catch (error) {
        out.pages[id] = { error: String(error && error.stack || error) };
      }
    }
    return out;
  }
  if (argv[0] === '--page') return readPage(argv[1]);
  const options = {};
  const names = { '--separator': 'separator', '--vertical': 'verticalSeparator', '--notes': 'notesSeparator' };
  let file = null;
  for (let i = 0; i < argv.length; i++) {
    if (names[argv[i]]) options[names[argv[i]]] = argv[++i];
    else file = argv[i];
  }
  return renderDeck(stripFrontMatter(readFileSync(file, 'utf8')), options);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(main(process.argv.slice(2)), null, 1) + '\n');
}
