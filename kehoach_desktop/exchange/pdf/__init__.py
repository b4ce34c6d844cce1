"""PDF documents in the layout of Decree 30/2020/NĐ-CP: rendering (reportlab), signing and verifying (pyHanko).

Nothing here knows about storage or Qt: ``services/reports.py`` fills the dataclasses of
:mod:`kehoach_desktop.exchange.pdf.model` and hands them over.
"""
