"""Interfaces: how people and programs reach the expert.

The ``Advisor`` library façade (the one place that composes the parts), the click CLI
and the terminal consultation.
May import: every part.
"""
