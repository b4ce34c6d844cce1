"""The application's look: one light style sheet, applied once."""

ACCENT = "#b3261e"  # the red of official documents, used sparingly
NAVIGATION_ITEM_PADDING = (10, 14)  # vertical, horizontal (px): the main window sizes its wrapped items with it
NAVIGATION_ITEM_BORDER = 3  # the selected page's mark at the left

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #1f2a37; color: #e5e7eb; border: none; font-size: 14px; padding-top: 8px;
}}
QListWidget#navigation::item {{
    padding: {NAVIGATION_ITEM_PADDING[0]}px {NAVIGATION_ITEM_PADDING[1]}px;
    border-left: {NAVIGATION_ITEM_BORDER}px solid transparent;
}}
QListWidget#navigation::item:selected {{
    background: #2f3e50; color: white; border-left: {NAVIGATION_ITEM_BORDER}px solid {ACCENT};
}}
QListWidget#navigation::item:hover:!selected {{ background: #273443; }}
QLabel#nav_unit {{ background: #1f2a37; color: #cbd5e1; padding: 14px 14px 6px 14px; font-weight: bold; }}
QLabel[role="page-title"] {{ font-size: 22px; font-weight: 600; color: #111827; }}
QLabel[role="page-subtitle"] {{ color: #4b5563; font-size: 13px; }}
QLabel[role="section-title"] {{ font-size: 15px; font-weight: 600; color: #1f2937; margin-top: 10px; }}
QLabel[role="hint"] {{ color: #6b7280; }}
QFrame[role="card"] {{ background: white; border: 1px solid #e5e7eb; border-radius: 8px; }}
QFrame[role="card"][warn="true"] {{ border: 1px solid #f59e0b; background: #fffbeb; }}
QLabel[role="card-caption"] {{ color: #4b5563; font-size: 12px; }}
QLabel[role="card-value"] {{ color: #111827; font-size: 24px; font-weight: 600; }}
QLabel[role="card-detail"] {{ color: #6b7280; font-size: 12px; }}
QLabel[role="placeholder"] {{ color: #374151; font-size: 14px; padding: 24px;
    background: #f9fafb; border: 1px dashed #d1d5db; border-radius: 8px; }}
QWidget#page_area {{ background: #f3f4f6; }}
/* Room above the line: the marks over Vietnamese capitals (Ấ, Ổ, Ả) rise above the ascent of some fonts
   (DejaVu Sans), and Qt cuts off what does not fit a label or a tab exactly one line high. */
QLabel {{ padding-top: 0.25em; }}
QTabBar::tab {{ padding: 5px 12px 4px 12px; margin-right: 2px; color: #1f2937; background: #e5e7eb;
    border: 1px solid #d1d5db; border-bottom: none; border-top-left-radius: 4px; border-top-right-radius: 4px; }}
QTabBar::tab:selected {{ background: #ffffff; }}
QTabBar::tab:!selected {{ margin-top: 2px; }}
QTabBar::tab:disabled {{ color: #9ca3af; }}
QTabWidget::pane {{ border: 1px solid #d1d5db; top: -1px; background: #ffffff; }}
"""
