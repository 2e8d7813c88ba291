"""Widgets of the screens, one a file."""
