"""A chapter of the user guide as the HTML subset that Qt's text browser shows."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from kehoach_desktop.domain.guide import (
    MENU_SEPARATOR,
    Block,
    Chapter,
    Figure,
    Inline,
    ItemList,
    Note,
    Paragraph,
    Subheading,
    UiKind,
)

UI_STYLE = "color:#1d4ed8; font-weight:600;"
KEY_STYLE = "font-family:monospace; background-color:#eef2f7; font-weight:600;"
STYLE = """
body { font-size: 14px; color: #111827; }
h1 { font-size: 24px; color: #111827; margin-bottom: 6px; }
h2 { font-size: 18px; color: #1f2937; margin-top: 18px; margin-bottom: 4px; }
h3 { font-size: 15px; color: #374151; margin-top: 10px; margin-bottom: 2px; }
p, li { line-height: 135%; }
p.caption { color: #4b5563; font-style: italic; margin-top: 2px; }
table.grid { border-collapse: collapse; }
td.head { font-weight: 600; background-color: #f3f4f6; }
"""

ImageSize = Callable[[str], "tuple[int, int] | None"]
MAX_IMAGE_WIDTH = 780  # the text's width in the guide's window at its usual size; wider pictures are scaled


def inline_html(spans: Inline) -> str:
    parts = []
    for span in spans:
        text = escape(span.text, quote=False)
        if span.kind == "bold":
            parts.append(f"<b>{text}</b>")
        elif span.kind == "italic":
            parts.append(f"<i>{text}</i>")
        elif span.kind == "code":
            parts.append(f'<span style="font-family:monospace;">{text}</span>')
        elif span.kind == "link":
            parts.append(f'<a href="#{span.target}">{text}</a>')
        elif span.kind == UiKind.MENU:
            path = " → ".join(escape(p, quote=False) for p in span.text.split(MENU_SEPARATOR))
            parts.append(f'<span style="{UI_STYLE}">{path}</span>')
        elif span.kind == UiKind.KEY:
            parts.append(f'<span style="{KEY_STYLE}">&nbsp;{text}&nbsp;</span>')
        elif span.kind == UiKind.LABEL:
            parts.append(f"“<i>{text}</i>”")
        elif span.is_ui:
            parts.append(f'<span style="{UI_STYLE}">{text}</span>')
        else:
            parts.append(text)
    return "".join(parts)


def _figure(block: Figure, image_size: ImageSize, max_width: int) -> str:
    size = image_size(block.image)
    width = f' width="{min(size[0], max_width)}"' if size is not None else ""  # the height follows
    caption = f'<p class="caption" align="center">{inline_html(block.caption)}</p>' if block.caption else ""
    return f'<p align="center"><img src="{escape(block.image)}"{width}></p>{caption}'


def _block(block: Block, image_size: ImageSize, max_width: int) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{inline_html(block.spans)}</p>"
    if isinstance(block, Subheading):
        return f"<h3>{inline_html(block.spans)}</h3>"
    if isinstance(block, ItemList):
        tag = "ol" if block.numbered else "ul"
        items = "".join(f"<li>{inline_html(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Note):
        return ('<table width="100%" cellpadding="8" style="background-color:#eff6ff; '
                f'border-left: 3px solid #2563eb;"><tr><td>{inline_html(block.spans)}</td></tr></table><p></p>')
    if isinstance(block, Figure):
        return _figure(block, image_size, max_width)
    head = "".join(f'<td class="head">{inline_html(cell)}</td>' for cell in block.header)
    rows = "".join("<tr>" + "".join(f"<td>{inline_html(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
    return (f'<table class="grid" border="1" cellspacing="0" cellpadding="5" style="border-color:#d1d5db;">'
            f"<tr>{head}</tr>{rows}</table><p></p>")


def chapter_html(chapter: Chapter, number: int, image_size: ImageSize, *,
                 max_image_width: int = MAX_IMAGE_WIDTH) -> str:
    """The chapter numbered ``number``; each heading carries its id as an anchor for links, F1 and search."""
    parts = [f"<html><head><style>{STYLE}</style></head><body>",
             f'<h1><a name="{chapter.id}"></a>{number}. {escape(chapter.title)}</h1>']
    parts += [_block(block, image_size, max_image_width) for block in chapter.blocks]
    for index, section in enumerate(chapter.sections, start=1):
        parts.append(f'<h2><a name="{section.id}"></a>{number}.{index}. {escape(section.title)}</h2>')
        parts += [_block(block, image_size, max_image_width) for block in section.blocks]
    parts.append("</body></html>")
    return "".join(parts)
