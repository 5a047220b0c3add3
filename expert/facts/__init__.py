"""Facts: what a profile may say and what follows from it by arithmetic alone.

The pydantic vocabulary of a profile, the field catalogue, derived figures, flattening
into engine facts, fact paths, and reading profile (YAML/JSON) files.
May import: nothing of ours.
"""
