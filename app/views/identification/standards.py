"""Identification standards (认定标准): the district's versions, a readable page, the draft form."""
import copy
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.commands import standard_versions as versions
from app.commands.standards import parameters
from app.context import Context
from app.errors import DomainError, FieldErrors
from app.models import AssessmentStandard, District, SchoolYear, SpecialGroup, StandardStatus, Tier
from app.runner import answer, run
from app.security.request_context import current_context
from app.security.scope import limit
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt
from app.views.identification.indicators import block_label, indicator_label

PARTS = {"thresholds": _l("Tier thresholds"), "total_cap": _l("Total cap"), "direct": _l("Direct identification"),
         "dibao_line_per_year": _l("Dibao line (minimum living allowance) per person and year"),
         "indicators": _l("Indicators"),
         "lowest_tier": _l("Tiers"), "name": _l("Name"), "standard": _l("Identification standard"),
         "notice_working_days": _l("Notice (working days)"),
         "objection_working_days": _l("Days to answer an objection (working days)"),
         "holidays": _l("Holidays"), "workdays": _l("Make-up working days"), "school_year": _l("School year")}


def _num(text: str):
    """A form number as JSON keeps it: whole numbers as int, others as exact strings; junk as typed
    (the command names it)."""
    text = (text or "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return int(number) if number.is_finite() and number == number.to_integral_value() else text


def _whole(text: str):
    """A whole number from the form, or the text as typed (refused by the command)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() else text


def form_id(name: str) -> int | None:
    """An id from a form or query argument, None when missing or not a number."""
    return parse_id(request.values.get(name))


def _indicator_from_form(raw: dict, form) -> None:
    """Points, option points or bracket rows of one indicator, from its fields."""
    code = raw["code"]
    if raw["kind"] == "flag":
        raw["points"] = _num(form.get(f"ind.{code}.points"))
    elif raw["kind"] == "choice":
        raw["options"] = {opt: _num(form.get(f"ind.{code}.opt.{opt}")) for opt in raw.get("options") or {}}
    else:
        rows = []
        for i in range(len(raw.get("brackets") or ()) + 1):  # one blank row to add a bracket
            bound = (form.get(f"ind.{code}.bound.{i}") or "").strip()
            points = (form.get(f"ind.{code}.points.{i}") or "").strip()
            if bound or points:
                rows.append([bound, _num(points)])
        raw["brackets"] = rows


def data_from_form(base: dict, form) -> dict:
    """The standard's data with every value the form holds put in (no JSON typing needed)."""
    data = copy.deepcopy(base)
    for raw in data.get("indicators") or ():
        _indicator_from_form(raw, form)
    data["blocks"] = {block: _num(form.get(f"block.{block}")) for block in data.get("blocks") or {}}
    data["total_cap"] = _num(form.get("total_cap"))
    data["thresholds"] = [[tier, _num(form.get(f"threshold.{tier}"))] for tier in needy_tiers(data)
                          if (form.get(f"threshold.{tier}") or "").strip()]
    rules = []
    count = _whole(form.get("direct_rows"))
    for i in range(min(count, 50) if isinstance(count, int) else 0):
        groups = [g for g in form.getlist(f"direct.{i}.groups") if g]
        if groups:
            rules.append({"groups": groups, "tier": form.get(f"direct.{i}.tier") or ""})
    data["direct"] = rules
    params = data.setdefault("parameters", {})
    params["dibao_line_per_year"] = (form.get("dibao_line_per_year") or "").strip()
    params["notice_working_days"] = _whole(form.get("notice_working_days"))
    params["objection_working_days"] = _whole(form.get("objection_working_days"))
    params["class_review"] = form.get("class_review") == "y"
    for key in ("holidays", "workdays"):
        params[key] = [line.strip() for line in (form.get(key) or "").splitlines() if line.strip()]
    return data


def needy_tiers(data: dict) -> list[str]:
    """Tier codes of the standard above its lowest tier, highest first."""
    ranks = data.get("tier_ranks") or {}
    return [t for t in sorted(ranks, key=lambda t: -int(ranks[t])) if t != data.get("lowest_tier")]


def part_name(key: str, data: dict) -> str:
    """Words for the part of a standard an error names (see standard_versions.check_data)."""
    raw = next((i for i in data.get("indicators") or () if i.get("code") == key), None)
    if raw is not None:
        return indicator_label(key, raw)
    if key.startswith("blocks."):
        return gettext("Cap of the block “%(block)s”", block=block_label(key.removeprefix("blocks.")))
    part = PARTS.get(key)
    return str(part) if part is not None else key


def error_lines(err: FieldErrors, data: dict) -> list[tuple[str, str]]:
    """(part, message) for every refused part of a standard."""
    return [(part_name(key, data), str(msg)) for key, msgs in err.errors.items() for msg in msgs]


def parts_named(command):
    """`command(ctx, pk, …)` whose refused parts are named in one message as the standard's pages
    name them (the parts of the version `pk`)."""

    def named(ctx: Context, pk: int, *args, **kwargs):
        """Run the command; refused fields become one refusal naming each part."""
        try:
            return command(ctx, pk, *args, **kwargs)
        except FieldErrors as err:
            lines = error_lines(err, versions.load(ctx, pk).data)
            raise DomainError(gettext("; ").join(gettext("%(label)s: %(message)s", label=part, message=text)
                                               for part, text in lines)) from None

    return named


def version_or_404(ctx: Context, pk: int) -> AssessmentStandard:
    """The version if the user's district holds it, else 404."""
    try:
        return versions.load(ctx, pk)
    except versions.StandardNotFound:
        abort(404)


def form_context(session, row: AssessmentStandard, data: dict) -> dict:
    """What the form and the readable page need besides the data: words, code lists, parameters."""
    tiers = {t.code: t.name for t in session.query(Tier).order_by(Tier.rank.desc())}
    groups = session.query(SpecialGroup).order_by(SpecialGroup.sort_order, SpecialGroup.code).all()
    return {"row": row, "data": data, "params": parameters(SimpleNamespace(data=data)),
            "tier_names": tiers, "needy_tiers": needy_tiers(data), "groups": groups,
            "group_names": {g.code: g.name for g in groups}, "thresholds": dict(data.get("thresholds") or ()),
            "indicator_label": indicator_label, "block_label": block_label}


class StandardView(OnceFormsMixin, BaseView):
    """The district's standard versions: list, read, edit drafts, put in force, delete drafts."""

    route_base = "/standards"
    class_permission_name = "AssessmentStandard"
    method_permission_name = {"index": "read", "show": "read", "edit": "write", "create": "write",
                              "copy": "write", "activate": "write", "delete": "write"}
    default_view = "index"

    @staticmethod
    def _to(endpoint: str, **values):
        """A redirect to one of this view's pages."""
        return redirect(url_for(f"StandardView.{endpoint}", **values))

    @expose("/")
    @has_access
    def index(self):
        """Every version of the user's district, newest school year and version first."""
        ctx = current_context()
        session, scope = ctx.session, ctx.scope
        rows = limit(session.query(AssessmentStandard), AssessmentStandard, scope).join(SchoolYear).order_by(
            SchoolYear.start_date.desc(), AssessmentStandard.version.desc()).all()
        years = session.query(SchoolYear).order_by(SchoolYear.start_date.desc()).all()
        districts = session.query(District).order_by(District.code).all() if scope.everything else []
        return self.render_template("zizhu/standards/list.html", rows=rows, years=years, districts=districts,
                                    can_write=self._can("can_write", "AssessmentStandard"),
                                    district_user=scope.school_id is None)

    @staticmethod
    def _can(permission: str, view: str) -> bool:
        """Whether the signed-in user holds a permission (for the buttons shown)."""
        return current_app.appbuilder.sm.has_access(permission, view)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """A version as a district officer or a school reads it."""
        ctx = current_context()
        session, row = ctx.session, version_or_404(ctx, pk)
        active = None
        if row.status is StandardStatus.DRAFT:
            active = session.query(AssessmentStandard).filter_by(
                district_id=row.district_id, school_year_id=row.school_year_id, status=StandardStatus.ACTIVE).first()
        return self.render_template(
            "zizhu/standards/show.html", **form_context(session, row, row.data), active=active,
            active_scored=versions.scored_with(session, active.id) if active else 0,
            scored=versions.scored_with(session, row.id), editable=_editable(row),
            can_write=self._can("can_write", "AssessmentStandard") and ctx.scope.school_id is None,
            can_simulate=self._can("can_read", "StandardSimulation"),
            years=session.query(SchoolYear).order_by(SchoolYear.start_date.desc()).all())

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """The draft form; on POST save it (refused parts are shown above the form as typed)."""
        ctx = current_context()
        row = version_or_404(ctx, pk)
        if not _editable(row):
            flash(gettext("This version cannot change any more; make a new draft from it."), "warning")
            return self._to("show", pk=pk)
        data, errors = row.data, []
        if request.method == "POST":
            data = data_from_form(row.data, request.form)
            try:
                run(ctx, versions.update_draft, pk, data=data, name=request.form.get("name", ""),
                    notes=request.form.get("notes", ""), row_version=parse_id(request.form.get("row_version")))
            except FieldErrors as err:  # the form again, each refused part named
                errors = error_lines(err, data)
            except DomainError as err:  # replaced or deleted meanwhile
                refusal = answer(err)
                if refusal.kind == "not_found":
                    abort(404)
                flash(refusal.message, "danger")
                return self._to("show", pk=pk)
            else:
                flash(gettext("The draft was saved."), "success")
                return self._to("show", pk=pk)
        return self.render_template("zizhu/standards/edit.html", **form_context(ctx.session, row, data),
                                    errors=errors, name=request.form.get("name", row.name),
                                    notes=request.form.get("notes", row.notes),
                                    can_simulate=self._can("can_read", "StandardSimulation"))

    @expose("/new", methods=["POST"])
    @has_access
    def create(self):
        """A new draft from the default standard for the chosen school year (once per form sent)."""
        district_id = current_context().scope.district_id or form_id("district_id")
        ok, row = attempt(versions.create_from_default, district_id=district_id,
                          school_year_id=form_id("school_year_id") or 0)
        return self._to("edit", pk=row.id) if ok else self._to("index")

    @expose("/<int:pk>/copy", methods=["POST"])
    @has_access
    def copy(self, pk):
        """A new draft from this version, in its school year or the one chosen (once per form sent)."""
        ok, row = attempt(parts_named(versions.copy_version), pk, school_year_id=form_id("school_year_id"))
        if not ok:  # sent twice: the first copy stands, found in the list; refused: the version again
            return self._to("index") if row.kind == "done" else self._to("show", pk=pk)
        flash(gettext("A new draft (version %(v)s) was made; change it and put it in force.", v=row.version), "success")
        return self._to("edit", pk=row.id)

    @expose("/<int:pk>/activate", methods=["POST"])
    @has_access
    def activate(self, pk):
        """Put the draft in force (the version in force before is replaced)."""
        ok, row = attempt(parts_named(versions.activate), pk)
        if ok:
            flash(gettext("Version %(v)s is now in force.", v=row.version), "success")
        return self._to("show", pk=pk)

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete(self, pk):
        """Delete a draft never used (refused: back to the version)."""
        ok, _ = attempt(versions.delete_draft, pk, done=gettext("The draft was deleted."))
        return self._to("index") if ok else self._to("show", pk=pk)


def _editable(row: AssessmentStandard) -> bool:
    """A draft never used to score."""
    return row.status is StandardStatus.DRAFT and row.first_used_at is None
