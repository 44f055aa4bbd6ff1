"""deckgen: Markdown slide decks to offline reveal.js sites."""

__version__ = "0.1.0"
