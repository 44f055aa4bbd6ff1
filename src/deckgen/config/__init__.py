"""Configuration: deckgen.yml and each deck's front matter in, validated SiteConfig and DeckOptions out.

One declarative schema checks both; every problem is reported with its file and line.
"""
