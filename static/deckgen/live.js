/* deckgen serve: the page side of the live preview. Speaks the LiveReload protocol with deckgen's server,
 * swaps edited slides in place (keeping the slide and fragment shown), reloads when the deck's structure
 * changed, refreshes stylesheets without a reload, and shows build errors over the last good deck. */
(function () {
  'use strict';
  var PLACE_KEY = 'deckgen-place:' + location.pathname;
  var params = new URLSearchParams(location.search);
  if (params.has('deckgen-follow')) {
    localStorage.setItem('deckgen-follow', params.get('deckgen-follow') === '0' ? 'off' : 'on');
  }
  // Follow edits to the edited slide unless turned off (?deckgen-follow=0).
  var follow = localStorage.getItem('deckgen-follow') !== 'off';
  var meta = document.querySelector('meta[name="deckgen-page-version"]');
  var version = meta ? meta.content : null;
  var slides = document.querySelector('.reveal .slides');

  // Mark every slide with its place in the source before reveal.js removes hidden ones.
  if (slides) {
    Array.prototype.forEach.call(slides.children, function (top, h) {
      if (top.tagName !== 'SECTION') return;
      var inner = Array.prototype.filter.call(top.children, function (c) { return c.tagName === 'SECTION'; });
      if (inner.length) inner.forEach(function (s, v) { s.dataset.deckgenPos = h + '.' + v; });
      else top.dataset.deckgenPos = h + '.0';
    });
  }

  function pagePath(path) {
    return path.replace(/\/$/, '/index.html');
  }

  function whenReady(callback) {
    if (!window.Reveal) return;
    if (Reveal.isReady()) callback(); else Reveal.on('ready', callback);
  }

  // Restore the place saved before a reload (reveal's hash may be off, or may point elsewhere).
  var saved = sessionStorage.getItem(PLACE_KEY);
  if (saved) {
    sessionStorage.removeItem(PLACE_KEY);
    whenReady(function () {
      var p = JSON.parse(saved);
      Reveal.slide(p.h, p.v, p.f);
    });
  }

  function reloadKeepingPlace(first) {
    if (window.Reveal && Reveal.isReady && Reveal.isReady()) {
      var place = Reveal.getIndices();
      if (follow && first && !(first.h === place.h && (first.v || 0) === (place.v || 0))) {
        place = { h: first.h, v: first.v, f: undefined };
      }
      sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
    }
    location.reload();
  }

  function swapSection(target, html) {
    var holder = document.createElement('template');
    holder.innerHTML = html.trim();
    var fresh = holder.content.firstElementChild;
    var keepClasses = ['present', 'past', 'future', 'stack'].filter(function (c) { return target.classList.contains(c); });
    var keep = ['style', 'hidden', 'aria-hidden', 'data-deckgen-pos', 'data-index-h', 'data-index-v',
      'data-previous-indexv', 'data-fragment'];
    Array.prototype.slice.call(target.attributes).forEach(function (a) {
      if (keep.indexOf(a.name) < 0) target.removeAttribute(a.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (a) {
      if (keep.indexOf(a.name) < 0) target.setAttribute(a.name, a.value);
    });
    keepClasses.forEach(function (c) { target.classList.add(c); });
    target.replaceChildren.apply(target, Array.prototype.slice.call(fresh.childNodes));
    if (window.DeckgenHighlight && DeckgenHighlight.highlightIn) DeckgenHighlight.highlightIn(target);
    if (window.DeckgenMath && DeckgenMath.renderIn) DeckgenMath.renderIn(target);
    if (window.DeckgenMermaid && DeckgenMermaid.drawIn) DeckgenMermaid.drawIn(target);
  }

  function applyEdits(update) {
    var place = Reveal.getIndices();
    var current = Reveal.getCurrentSlide();
    var firstEdited = null;
    var currentEdited = false;
    update.slides.forEach(function (edit) {
      var target = slides.querySelector('section[data-deckgen-pos="' + edit.h + '.' + edit.v + '"]');
      if (!target) return; // a hidden slide: not shown, nothing to swap
      swapSection(target, edit.html);
      // Sync only this slide: Reveal.sync() would redo every slide's background and fragments.
      Reveal.syncSlide(target);
      if (!firstEdited) firstEdited = target;
      if (target === current) currentEdited = true;
    });
    version = update.to;
    if (follow && firstEdited && firstEdited !== current) {
      var at = Reveal.getIndices(firstEdited);
      Reveal.slide(at.h, at.v);
    } else if (currentEdited) {
      Reveal.navigateFragment(place.f); // the new fragments take the state the presenter was at
      Reveal.layout();
    }
    // Tell listeners (the speaker view among them) that the slide's content is new.
    var event = new Event('slidechanged', { bubbles: true });
    event.currentSlide = Reveal.getCurrentSlide();
    event.indexh = Reveal.getIndices().h;
    event.indexv = Reveal.getIndices().v;
    Reveal.getRevealElement().dispatchEvent(event);
    document.dispatchEvent(new CustomEvent('deckgen:updated', { detail: { slides: update.slides.length } }));
  }

  function refreshStylesheet(path) {
    var found = false;
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.pathname !== path) return;
      found = true;
      var fresh = link.cloneNode();
      url.searchParams.set('deckgen', Date.now());
      fresh.href = url.href;
      fresh.onload = function () { link.remove(); if (window.Reveal && Reveal.isReady()) Reveal.layout(); };
      link.after(fresh);
    });
    return found;
  }

  function refreshMedia(path) {
    var found = false;
    document.querySelectorAll('img[src], video[poster]').forEach(function (el) {
      var attr = el.tagName === 'IMG' ? 'src' : 'poster';
      var url = new URL(el.getAttribute(attr), location.href);
      if (url.pathname !== path) return;
      found = true;
      url.searchParams.set('deckgen', Date.now());
      el.setAttribute(attr, url.href);
    });
    return found;
  }

  function onReload(message) {
    var path = pagePath(message.path);
    var here = pagePath(location.pathname);
    if (path === here) {
      var update = message.deckgen;
      if (update && update.slides && version && update.from === version && window.Reveal && Reveal.isReady()) {
        applyEdits(update);
      } else {
        reloadKeepingPlace(update && update.first);
      }
      return;
    }
    if (/\.css$/.test(path)) { refreshStylesheet(path); return; }
    if (/\.(png|jpe?g|gif|svg|webp|avif)$/i.test(path)) { refreshMedia(path); return; }
    if (/\.html$/.test(path)) return; // another page
    var used = Array.prototype.some.call(document.querySelectorAll('script[src], [src], [data-background-image]'),
      function (el) {
        var ref = el.getAttribute('src') || el.getAttribute('data-background-image');
        return new URL(ref, location.href).pathname === path;
      });
    if (used) reloadKeepingPlace(null);
  }

  var overlay = null;
  function showErrors(errors) {
    if (!errors.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.className = 'deckgen-error-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;z-index:2147483647;left:0;right:0;top:0;max-height:60vh;' +
        'overflow:auto;margin:0;padding:14px 18px;background:rgba(150,20,20,.95);color:#fff;' +
        'font:15px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;' +
        'box-shadow:0 4px 18px rgba(0,0,0,.4);text-align:left';
      document.body.appendChild(overlay);
    }
    var head = document.createElement('div');
    head.textContent = 'deckgen: the last save does not build; showing the last good version.';
    head.style.marginBottom = '10px';
    overlay.replaceChildren(head);
    errors.forEach(function (e) {
      // One error a line: where (file:line, as editors open it) in bold, then the message.
      var row = document.createElement('div');
      row.className = 'deckgen-error';
      if (e.location) {
        var where = document.createElement('b');
        where.className = 'deckgen-error-location';
        where.textContent = e.location + ': ';
        row.appendChild(where);
        row.appendChild(document.createTextNode(e.message || e.text));
      } else {
        row.textContent = e.text || e.message;
      }
      overlay.appendChild(row);
    });
  }

  var socket = null;
  var retry = 250;
  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    socket = new WebSocket(scheme + location.host + '/livereload');
    socket.onopen = function () {
      retry = 250;
      socket.send(JSON.stringify({ command: 'hello', protocols: ['http://livereload.com/protocols/official-7'] }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.command === 'hello') {
        socket.send(JSON.stringify({ command: 'info', url: location.href, plugins: {} }));
      } else if (message.command === 'reload') {
        onReload(message);
      } else if (message.command === 'deckgen-errors') {
        showErrors(message.errors || []);
      } else if (message.command === 'alert') {
        showErrors([{ text: message.message }]);
      }
    };
    socket.onclose = function () {
      // The server restarted or stopped: try again, more and more slowly.
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }
  if (location.protocol.indexOf('http') === 0) connect();
  window.DeckgenLive = { connected: function () { return !!socket && socket.readyState === 1; } };
})();
