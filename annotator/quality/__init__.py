"""Quality control for a team, with no I/O: control items and routing's control rate (control.py),
annotator accuracy with Wilson intervals, confusion matrices and labeling time (accuracy.py), and labels
aggregated by each annotator's estimated reliability, Dawid-Skene and its one-coin variant (aggregation.py).

The store's side is store/quality.py; the label vocabulary comes from annotator.scheme.
"""
