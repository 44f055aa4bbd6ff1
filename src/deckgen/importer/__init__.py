"""Importing hand-written reveal.js decks: an HTML page in, a deckgen Markdown deck (plus its CSS and script
files and a report of what was translated or left behind) out.
"""
