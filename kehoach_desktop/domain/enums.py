"""Enumerations of the domain with their (translatable) labels.

Values are stable ASCII codes stored in the workspace and in exchange files;
labels are English source strings translated when shown (Vietnamese by default).
"""

from __future__ import annotations

from enum import StrEnum

from kehoach_desktop.i18n import N_, _, in_vietnamese

_LABELS: dict[type, dict[str, str]] = {}


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry an English label marked for translation."""

    @property
    def label(self) -> str:
        return _(_LABELS[type(self)][self.value])

    @property
    def vietnamese(self) -> str:
        """The label in Vietnamese whatever the interface's language: what workbooks and PDF reports write."""
        return in_vietnamese(_LABELS[type(self)][self.value])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class WorkspaceMode(LabelledEnum):
    DISTRICT = "district"
    CITY = "city"


_LABELS[WorkspaceMode] = {"district": N_("Reporting unit"), "city": N_("City")}


class PlanStatus(LabelledEnum):
    DRAFT = "draft"
    ISSUED = "issued"


_LABELS[PlanStatus] = {"draft": N_("Draft"), "issued": N_("Issued")}


class SectionKind(LabelledEnum):
    """The role of a section of the plan, as the template gives it."""

    PURPOSES = "purposes"
    CONTENT = "content"
    THEME_GROUP = "theme_group"
    THEME = "theme"
    FORM_GROUP = "form_group"
    FORM = "form"
    ORGANISATION = "organisation"
    RESPONSIBILITY = "responsibility"


_LABELS[SectionKind] = {
    "purposes": N_("Purposes and requirements"),
    "content": N_("Content"),
    "theme_group": N_("Key themes"),
    "theme": N_("Theme"),
    "form_group": N_("Forms of propaganda"),
    "form": N_("Form of propaganda"),
    "organisation": N_("Organisation"),
    "responsibility": N_("Responsibility of a unit"),
}


class PropagandaForm(LabelledEnum):
    PRESS = "press"
    LOUDSPEAKER = "loudspeaker"
    BULLETIN_BOARD = "bulletin_board"
    VISUAL = "visual"
    EVENT = "event"
    TRAINING = "training"
    SOCIAL_MEDIA = "social_media"
    CONFERENCE = "conference"
    OTHER = "other"


_LABELS[PropagandaForm] = {
    "press": N_("Press"),
    "loudspeaker": N_("Grassroots loudspeakers"),
    "bulletin_board": N_("Public bulletin boards"),
    "visual": N_("Visual materials"),
    "event": N_("Cultural, arts and sports events"),
    "training": N_("Training"),
    "social_media": N_("Social media and websites"),
    "conference": N_("Conferences and meetings"),
    "other": N_("Other"),
}


class TaskStatus(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


_LABELS[TaskStatus] = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "overdue": N_("Overdue"),
    "cancelled": N_("Cancelled"),
}


class MaterialType(LabelledEnum):
    PANEL = "panel"
    POSTER = "poster"
    BANNER = "banner"
    PAINTING = "painting"
    LED_SCREEN = "led_screen"
    FRAME_SCREEN = "frame_screen"
    HANDBOOK = "handbook"
    LEAFLET = "leaflet"
    FLAG = "flag"
    OTHER = "other"


_LABELS[MaterialType] = {
    "panel": N_("Panel"),
    "poster": N_("Poster"),
    "banner": N_("Banner / slogan"),
    "painting": N_("Propaganda painting"),
    "led_screen": N_("LED screen"),
    "frame_screen": N_("Frame screen"),
    "handbook": N_("Handbook"),
    "leaflet": N_("Leaflet"),
    "flag": N_("Flag"),
    "other": N_("Other material"),
}


class MaterialStatus(LabelledEnum):
    PLANNED = "planned"
    PRODUCED = "produced"
    INSTALLED = "installed"
    REMOVED = "removed"
    DAMAGED = "damaged"
    REPLACED = "replaced"


_LABELS[MaterialStatus] = {
    "planned": N_("Planned"),
    "produced": N_("Produced"),
    "installed": N_("Installed"),
    "removed": N_("Removed"),
    "damaged": N_("Damaged"),
    "replaced": N_("Replaced"),
}


class EventType(LabelledEnum):
    CULTURAL = "cultural"
    ARTS = "arts"
    SPORTS = "sports"
    PRESS_CONFERENCE = "press_conference"
    TRAINING = "training"
    PRESS_CONTEST = "press_contest"
    FIELD_TRIP = "field_trip"
    OTHER = "other"


_LABELS[EventType] = {
    "cultural": N_("Cultural event"),
    "arts": N_("Arts performance"),
    "sports": N_("Sports event"),
    "press_conference": N_("Press conference"),
    "training": N_("Training course"),
    "press_contest": N_("Press contest"),
    "field_trip": N_("Reporters' field trip"),
    "other": N_("Other event"),
}


class EventStatus(LabelledEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


_LABELS[EventStatus] = {
    "planned": N_("Planned"),
    "confirmed": N_("Confirmed"),
    "held": N_("Held"),
    "postponed": N_("Postponed"),
    "cancelled": N_("Cancelled"),
}


class ResponsibleUnitKind(LabelledEnum):
    OFFICE = "office"
    CENTRE = "centre"
    WARD = "ward"
    COMMUNE = "commune"
    TOWNSHIP = "township"
    MASS_ORGANISATION = "mass_organisation"
    OTHER = "other"


_LABELS[ResponsibleUnitKind] = {
    "office": N_("Office"),
    "centre": N_("Centre"),
    "ward": N_("Ward People's Committee"),
    "commune": N_("Commune People's Committee"),
    "township": N_("Township People's Committee"),
    "mass_organisation": N_("Mass organisation"),
    "other": N_("Other unit"),
}
