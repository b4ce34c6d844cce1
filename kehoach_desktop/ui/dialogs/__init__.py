"""Dialogs of the pages."""
