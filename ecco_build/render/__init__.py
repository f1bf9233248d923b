"""Rendering the site: the theme and its environment (theme.py), one analysis figure
(figures.py), the pages (pages.py) and social cards (cards.py). Kind-agnostic: every
kind-specific piece (template, element, page form, filters, card drawing) comes from the kind.
"""
