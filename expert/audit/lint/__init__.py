"""Lint: checks an auditor runs over the knowledge base, one check per module.

Each check reads the loaded knowledge (and the worked cases) and yields ``Diagnostic``
records with a stable code, a severity and a file:line; ``runner.lint`` runs them all.
"""
