"""The Markdown dialect: a deck's source file in, a Deck of rendered slides (HTML, notes, attributes) out.

Splitting, reveal.js comments, fences and math are handled here; nothing here knows about the site.
"""
