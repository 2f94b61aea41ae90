"""The public notice's aid item column (资助项目): per pupil, the names of the items the entitlement rules give
their tier and boarding status in the notice's term (就高 among exclusive items), on the draft, the
published notice, its page, the A4 page and the xlsx; nothing but names."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.commands import notices as cmd
from app.models import AidCategory, AidItem, AidStandard
from app.queries.aid_awards import fit
from tests.commands.test_notices import LIVING, decide, notice_with_two
from tests.context import context
from tests.views.identification.test_notice_views import xlsx_text

MEALS, BOOKS = "县级伙食补助", "县级图书资助"


def _item(session, code: str, name: str, amount: str, *, group=None, since=None) -> AidItem:
    """A county item needing identification, with a standard for every needy tier and boarding status."""
    item = AidItem(code=code, name=name, category=AidCategory.LOCAL, needs_identification=True,
                   exclusivity_group=group)
    session.add(item)
    session.flush()
    session.add(AidStandard(aid_item_id=item.id, amount=Decimal(amount), effective_from=since or date(2024, 3, 1)))
    session.commit()
    return item


def _items(notice) -> dict:
    return {entry.name: entry.aid_item for entry in notice.entries}


@pytest.fixture
def boarder(session, place):
    """place's pupil (李小明) boards; the other pupil of the notice (赵小红) does not."""
    place.student.boarding = True
    session.commit()
    return place.student


def test_each_pupil_gets_the_items_of_their_tier_and_boarding_the_higher_of_exclusive_ones(session, place, boarder):
    _item(session, "county_meals", MEALS, "400.00", group="living")  # 就高 with the living subsidy
    _item(session, "county_books", BOOKS, "100.00")  # no group: on top of it
    notice, _pupil, _app = notice_with_two(session, place)
    assert _items(notice) == {"李小明": f"{LIVING}, {BOOKS}",  # a boarder's 625.00 beats 400.00
                              "赵小红": f"{MEALS}, {BOOKS}"}  # a day pupil's 312.50 does not


def test_an_item_without_a_standard_in_force_at_the_terms_start_is_not_listed(session, place, boarder):
    term_start = place.application.term.start_date
    _item(session, "county_books", BOOKS, "100.00", since=term_start + timedelta(days=1))
    switched_off = _item(session, "county_meals", MEALS, "900.00", group="living")
    switched_off.active = False
    session.commit()
    notice, _pupil, _app = notice_with_two(session, place)
    assert set(_items(notice).values()) == {LIVING}


def test_publishing_lists_the_items_as_they_stand_then(session, place, boarder):
    notice, _pupil, _app = notice_with_two(session, place)
    assert set(_items(notice).values()) == {LIVING}
    _item(session, "county_books", BOOKS, "100.00")  # the district adds an item before the notice goes up
    cmd.publish_notice(context(session, place.scope), notice.id)
    session.commit()
    assert set(_items(notice).values()) == {f"{LIVING}, {BOOKS}"}


def test_the_notice_pages_and_the_xlsx_show_the_items_and_no_amount(session, client, place, boarder, login, clock):
    _item(session, "county_books", BOOKS, "100.00")
    notice, _pupil, _app = notice_with_two(session, place, starts_on=clock.today())
    cmd.publish_notice(context(session, place.scope, clock=clock), notice.id)
    session.commit()
    clock.set_day(notice.starts_on)
    login("school1")
    pages = [client.get(f"/notices/{notice.id}").get_data(as_text=True),
             client.get(f"/notices/{notice.id}/print").get_data(as_text=True),
             xlsx_text(client.get(f"/notices/{notice.id}/xlsx").data)]
    for text in pages:
        assert f"{LIVING}, {BOOKS}" in text
        assert not any(amount in text for amount in ("625.00", "312.50", "100.00"))  # names only, never amounts


def test_the_draft_preview_page_shows_the_items(session, client, place, boarder, login, clock):
    decide(session, place.scope, place.application)
    session.commit()
    login("school1")
    page = client.get(f"/notices/new?term_id={place.application.term_id}&starts_on={clock.today().isoformat()}")
    table = page.get_data(as_text=True).split('id="zz-notice-preview"', 1)[1].split("</table>", 1)[0]
    assert "李小明" in table and LIVING in table


def test_a_long_list_of_names_is_cut_at_a_whole_name():
    assert fit([]) is None and fit(["甲"]) == "甲"
    names = [f"县级第{n}号专项资助项目名称" for n in range(6)]
    shown = fit(names)
    assert len(shown) <= 64 and shown.endswith(", \u2026") and shown.startswith(names[0] + ", " + names[1])
    assert fit(["项" * 80]) == "项" * 63 + "\u2026"
