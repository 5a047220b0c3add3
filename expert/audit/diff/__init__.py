"""Diff: what a change to the knowledge changes, rule by rule and consultation by consultation.

``sources`` resolves the two knowledge bases (directories or git revisions), ``rules``
compares them semantically, ``corpus`` builds the profiles both are run on, ``impact``
runs them and counts what changed, ``render`` prints the report.
"""
