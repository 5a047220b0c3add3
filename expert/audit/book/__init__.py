"""The knowledge book: a static HTML site (and one Markdown file) an auditor reads instead
of the rule files, generated from the knowledge base alone (its worked cases included).

``plain`` words a rule's conditions in plain language, ``chains`` draws which conclusions
feed which as an inline SVG, ``site`` writes the pages.
"""
