"""Creating and describing workspaces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from kehoach_desktop import __version__
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.template import Template
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.exchange.keys import fingerprint, generate_keypair
from kehoach_desktop.exchange.package import VerifiedPackage
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.dto import WorkspaceSummary
from kehoach_desktop.services.edit_guards import control_problems, length_problems
from kehoach_desktop.services.plans import create_plan_from_template
from kehoach_desktop.services.templates import BUILTIN, IMPORTED, builtin_template, builtin_templates, store_template
from kehoach_desktop.services.units import seed_responsible_units
from kehoach_desktop.services.years import current_template, current_year, workspace_info
from kehoach_desktop.storage.engine import Location, Store, building_store, open_store
from kehoach_desktop.storage.models import Setting, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class WorkspaceSetup:
    """What the set-up wizard (or ``kehoach init``) asks for."""

    mode: WorkspaceMode
    unit_code: str | None = None  # a reporting unit's code; None in city mode
    unit_full_name: str = ""  # pre-filled from the unit when empty
    signer_name: str = ""
    signer_title: str = ""  # "Chủ tịch" or "Phó Chủ tịch"
    export_folder: str = ""  # the documents folder: where exports, reports and packages go ("" = the default)
    officer_name: str = ""  # who keeps the workspace: named in the history of every change
    template: str = ""  # a shipped template's code or the path of a .khtemplate; "" for the built-in one


@dataclass(frozen=True)
class TemplateChoice:
    """The template a new workspace starts from, and the signed package it came in (if any)."""

    template: Template
    package: VerifiedPackage | None = None

    @property
    def fingerprint(self) -> str:
        return self.package.fingerprint if self.package is not None else ""


def choose_template(value: str = "") -> TemplateChoice:
    """``""``: the built-in template; a code of a shipped template; or a ``.khtemplate`` file, verified."""
    value = value.strip()
    if not value:
        return TemplateChoice(builtin_template())
    shipped = builtin_templates()
    if value in shipped:
        return TemplateChoice(shipped[value])
    path = Path(value)
    if path.suffix.lower() == ".khtemplate" or path.exists():
        from kehoach_desktop.services.sync import read_template_package

        package, template = read_template_package(path)
        return TemplateChoice(template, package)
    raise ValidationError(_("{value} is neither a template shipped with the application ({codes}) nor a "
                            ".khtemplate file.").format(value=value, codes=", ".join(shipped)))


OFFICER_SETTING = audit.OFFICER_SETTING
OFFICER_NAME_MAX = 200  # the audit log's column for the name

SETUP_FIELDS = {"unit_full_name": N_("The unit's full name"), "signer_name": N_("The signer's name"),
                "signer_title": N_("The signer's title")}


def default_full_name(template: Template, setup: WorkspaceSetup) -> str:
    if setup.mode is WorkspaceMode.CITY:
        return template.receiving_agency.name
    assert setup.unit_code is not None
    return template.unit(setup.unit_code).committee_name


def create_workspace(*, path: Location, setup: WorkspaceSetup, template: Template | TemplateChoice | None = None,
                     is_demo: bool = False, populate: Callable[[Session], None] | None = None,
                     password: str | None = None) -> Store:
    """Create the workspace file, its signing key, its template and (for a district) its draft plan.

    ``populate`` adds more records in the same transaction (the demo data). The file appears
    at ``path`` only when everything was written (``storage.engine.building_store``): a
    failure or a crash leaves nothing there. ``path`` may also be the URL of an empty PostgreSQL
    database (``password`` then completes it when the environment gives none). Returns the open store.
    """
    if template is None:
        choice = choose_template(setup.template)
    elif isinstance(template, Template):
        choice = TemplateChoice(template)
    else:
        choice = template
    template = choice.template
    if setup.mode is WorkspaceMode.DISTRICT:
        if not setup.unit_code:
            raise ValidationError(_("Choose the reporting unit of this workspace."))
        try:
            unit = template.unit(setup.unit_code)
        except KeyError:
            raise ValidationError(_("The template {template} names no reporting unit with the code {code}.").format(
                template=template.code, code=setup.unit_code)) from None
        unit_code, unit_kind, unit_name = unit.code, unit.kind, unit.name
    else:
        agency = template.receiving_agency
        unit_code, unit_kind, unit_name = agency.code, "city", agency.name
    full_name = nfc(setup.unit_full_name) or default_full_name(template, setup)
    texts = {"unit_full_name": full_name, "signer_name": nfc(setup.signer_name),
             "signer_title": nfc(setup.signer_title)}
    too_long = length_problems(WorkspaceInfo, texts, SETUP_FIELDS) + control_problems(texts, SETUP_FIELDS)
    too_long += _officer_problems(nfc(setup.officer_name))
    if too_long:
        raise ValidationError(too_long[0], details=too_long[1:])
    keys = generate_keypair()
    with building_store(path, password=password) as store, store.uow() as uow:
        workspace = WorkspaceInfo(
            mode=setup.mode.value, unit_code=unit_code, unit_kind=unit_kind, unit_name=unit_name,
            unit_full_name=full_name, template_code=template.code, signer_name=nfc(setup.signer_name),
            signer_title=nfc(setup.signer_title), signer_authority="TM. ỦY BAN NHÂN DÂN",
            export_folder=setup.export_folder, signing_public_key=keys.public_bytes,
            signing_private_key=keys.private_bytes, is_demo=is_demo, app_version=__version__)
        uow.session.add(workspace)
        audit.set_officer_name(uow.session, nfc(setup.officer_name))
        record = store_template(uow.session, template, origin=IMPORTED if choice.package else BUILTIN)
        if choice.package is not None and setup.mode is WorkspaceMode.DISTRICT:
            from kehoach_desktop.services.sync import register_city_package

            register_city_package(uow.session, choice.package)
        audit.record(uow.session, unit_code=unit_code, action="workspace.create", entity="workspace",
                     entity_id=workspace.id, summary=full_name,
                     details={"mode": setup.mode.value, "template": template.code,
                              "template_key": choice.fingerprint,
                              "key_fingerprint": fingerprint(keys.public_bytes)})
        if setup.mode is WorkspaceMode.DISTRICT:
            seed_responsible_units(uow.session, template, unit)
            create_plan_from_template(uow.session, workspace=workspace, template_record=record,
                                      template=template)
        if populate is not None:
            uow.session.flush()
            populate(uow.session)
        uow.commit()
    return open_store(path, password=password)


def get_workspace_summary(*, uow_factory: UnitOfWorkFactory, path: Path | str) -> WorkspaceSummary:
    with uow_factory() as uow:
        info = workspace_info(uow.session)
        year = current_year(uow.session)
        officer = uow.session.get(Setting, OFFICER_SETTING)
        return WorkspaceSummary(
            id=info.id, path=str(path), mode=info.mode, unit_code=info.unit_code, unit_kind=info.unit_kind,
            unit_name=info.unit_name, unit_full_name=info.unit_full_name, template_code=info.template_code,
            template_year=year or 0, signer_name=info.signer_name, signer_title=info.signer_title,
            key_fingerprint=fingerprint(info.signing_public_key), is_demo=info.is_demo,
            app_version=info.app_version, export_folder=info.export_folder,
            officer_name=officer.value if officer is not None else "")


def update_workspace_settings(*, uow_factory: UnitOfWorkFactory, officer_name: str,
                              documents_folder: str) -> Changes:
    """The settings a user edits after set-up: the officer in charge, the documents folder ("" = the default)."""
    officer, folder = nfc(officer_name).strip(), nfc(documents_folder).strip()
    if problems := _officer_problems(officer):
        raise ValidationError(problems[0])
    with uow_factory() as uow:
        info = workspace_info(uow.session)
        before = {"officer_name": _officer_of(uow.session), "documents_folder": info.export_folder}
        after = {"officer_name": officer, "documents_folder": folder}
        if before == after:
            return Changes()
        info.export_folder = folder
        audit.set_officer_name(uow.session, officer)
        audit.record(uow.session, unit_code=info.unit_code, action="workspace.settings", entity="workspace",
                     entity_id=info.id, summary=_("Workspace settings changed"),
                     details={"changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
        uow.commit()
    return Changes(workspace=True)


def _officer_problems(name: str) -> list[str]:
    problems = control_problems({"officer": name}, {"officer": N_("The officer's name")})
    if len(name) <= OFFICER_NAME_MAX:
        return problems
    return [_("{field} is too long: at most {n} characters ({count} typed).").format(
        field=_("The officer's name"), n=OFFICER_NAME_MAX, count=len(name)), *problems]


def _officer_of(session: Session) -> str:
    return audit.officer_name(session)


def get_workspace_template(*, uow_factory: UnitOfWorkFactory) -> Template:
    with uow_factory() as uow:
        return current_template(uow.session)


DEMO_TODAY_SETTING = "demo.today"


def set_demo_today(*, uow_factory: UnitOfWorkFactory, day: dt.date) -> None:
    """Mark a demo workspace with the day its invented data is dated as of."""
    with uow_factory() as uow:
        uow.session.merge(Setting(key=DEMO_TODAY_SETTING, value=day.isoformat()))
        uow.commit()


def get_demo_today(*, uow_factory: UnitOfWorkFactory) -> dt.date | None:
    with uow_factory() as uow:
        value = uow.session.get(Setting, DEMO_TODAY_SETTING)
        return dt.date.fromisoformat(value.value) if value is not None else None
