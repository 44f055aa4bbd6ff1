from deckgen.cli import run

run()
