"""Speaker-notes pages for `deckgen pdf --notes`, made by deckgen in reveal.js's print view.

reveal.js's own `showNotes: 'separate-page'` puts a slide's notes right after its first page (before its fragment
steps), in small print, without saying which slide they belong to. deckgen prints with `showNotes=false` instead
and, once reveal.js has laid out its pages, adds after the last page of each slide (its last fragment step) a page
of its own: "Slide N of M", the slide's title, and the notes at a readable size, dark on white whatever the theme.

Each printed slide is numbered before reveal.js lays out the pages (at DOMContentLoaded: reveal.js lays them out
only once the page has loaded); a fragment step is a copy of its slide's page, so it carries the same number.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Numbers the slides reveal.js prints: every <section> without slides inside it, but hidden ones, in page order.
TAG_SLIDES_JS = """document.addEventListener('DOMContentLoaded', () => {
  let number = 0;
  for (const section of document.querySelectorAll('.reveal .slides section')) {
    if (section.querySelector(':scope > section') || section.closest('[data-visibility="hidden"]')) continue;
    section.setAttribute('data-deckgen-slide', String(++number));
  }
});"""

# After 'pdf-ready': a notes page after each slide's last page; returns [pages added, pages of unnumbered slides].
ADD_NOTES_PAGES_JS = """() => {
  const groups = [];
  let unnumbered = 0;
  for (const page of document.querySelectorAll('.reveal .slides > .pdf-page')) {
    const section = page.querySelector(':scope > section[data-deckgen-slide]');
    if (!section) { unnumbered++; continue; }
    const last = groups[groups.length - 1];
    if (last && last.number === section.dataset.deckgenSlide) last.page = page;
    else groups.push({ number: section.dataset.deckgenSlide, page, section });
  }
  const total = groups.length ? groups[groups.length - 1].number : 0;
  let added = 0;
  for (const { number, page, section } of groups) {
    const notes = section.hasAttribute('data-notes') ? section.getAttribute('data-notes')
      : [...section.querySelectorAll('aside.notes')].map(aside => aside.innerHTML).join('\\n');
    if (!notes.trim()) continue;
    const heading = [...section.querySelectorAll('h1, h2, h3, h4, h5, h6')].find(h => !h.closest('aside.notes'));
    const sheet = document.createElement('div');
    sheet.className = 'deckgen-notes-page';
    const label = document.createElement('p');
    label.className = 'deckgen-notes-slide';
    label.textContent = `Slide ${number} of ${total}`;
    const title = document.createElement('p');
    title.className = 'deckgen-notes-title';
    title.textContent = heading ? heading.textContent.replace(/\\s+/g, ' ').trim() : '';
    const text = document.createElement('div');
    text.className = 'deckgen-notes-text';
    text.innerHTML = notes;
    sheet.append(label, title, text);
    page.after(sheet);
    added++;
  }
  return [added, unnumbered];
}"""

# A long note goes on over the next sheets, each with its padding; the canvas is white (each slide's page has the
# deck's background of its own), so no sheet of notes shows the theme's dark background below the text. No
# ligatures: the PDF's text is searched and copied ("fi", not "\ufb01").
NOTES_CSS = """
html.reveal-print { background: #fff !important; }
html.reveal-print .reveal .slides > .deckgen-notes-page {
  position: relative; box-sizing: border-box; width: 100%; overflow: visible; margin: 0;
  padding: 44px 64px; background: #fff !important; color: #1a1a1a;
  font: 24px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: left; break-before: page; break-after: page; font-variant-ligatures: none;
  -webkit-box-decoration-break: clone; box-decoration-break: clone;
}
.reveal .deckgen-notes-page * {
  color: inherit !important; text-shadow: none !important; text-transform: none !important;
  letter-spacing: normal !important; font-family: inherit; line-height: inherit;
}
.reveal .deckgen-notes-page .deckgen-notes-slide { margin: 0 0 .2em; font-size: 20px; color: #5a5a5a !important; }
.reveal .deckgen-notes-page .deckgen-notes-title {
  margin: 0 0 .8em; padding-bottom: .35em; border-bottom: 2px solid #d0d0d0; font-size: 32px; font-weight: 700;
  line-height: 1.25;
}
.reveal .deckgen-notes-page .deckgen-notes-title:empty { display: none; }
.reveal .deckgen-notes-text p, .reveal .deckgen-notes-text blockquote { margin: 0 0 .7em; }
.reveal .deckgen-notes-text :is(ul, ol) { display: block; margin: 0 0 .7em 1.3em; padding: 0; }
.reveal .deckgen-notes-text :is(h1, h2, h3, h4, h5, h6) { margin: .6em 0 .4em; font-size: 1.15em; font-weight: 700; }
.reveal .deckgen-notes-text :is(code, pre) { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.reveal .deckgen-notes-text pre { white-space: pre-wrap; font-size: .8em; box-shadow: none; width: auto; }
.reveal .deckgen-notes-text img { max-width: 100%; max-height: 60vh; }
.reveal .deckgen-notes-text a { color: #1a4fb0 !important; }
"""


async def add_notes_pages(page: Any, name: str) -> int:
    """Add deckgen's notes pages to a page in reveal.js's laid-out print view; return how many were added."""
    await page.add_style_tag(content=NOTES_CSS)
    added, unnumbered = await page.evaluate(ADD_NOTES_PAGES_JS)
    if unnumbered:  # slides made after the page was parsed (a project's own template): their notes are left out
        log.warning("warning: deck %s: %d printed pages have no speaker notes page (slides added by a script)",
                    name, unnumbered)
    return int(added)
