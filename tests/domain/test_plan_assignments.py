"""Section III's draft from the tasks: one line a party, in its order, leads before supports; the budgets by source."""

from __future__ import annotations

from kehoach_desktop.domain.budget_sources import BY_LEAD, OWN, PLACES, SOCIAL, SUPERIOR, UNKNOWN, resolve, totals
from kehoach_desktop.domain.plan_assignments import LEAD, SUPPORT, Party, assignments_text, budget_line


def test_one_line_a_party_in_order_a_section_named_once() -> None:
    office, centre, places = Party("Phòng A", -1), Party("Trung tâm B", 3), Party("UBND các xã, thị trấn", 99)
    roles = [(centre, LEAD, "1.1."), (places, SUPPORT, "1.1."), (office, SUPPORT, "1.1."), (centre, LEAD, "1.1."),
             (places, LEAD, "2.3."), (places, SUPPORT, "2.3."), (office, LEAD, "2.3.")]
    assert assignments_text(roles).splitlines() == [
        "1. Phòng A: chủ trì thực hiện các nhiệm vụ tại mục 2.3; phối hợp thực hiện các nhiệm vụ tại mục 1.1 của "
        "Kế hoạch.",
        "2. Trung tâm B: chủ trì thực hiện các nhiệm vụ tại mục 1.1 của Kế hoạch.",
        # leading 2.3 already: not listed again as supporting it
        "3. UBND các xã, thị trấn: chủ trì thực hiện các nhiệm vụ tại mục 2.3; phối hợp thực hiện các nhiệm vụ tại "
        "mục 1.1 của Kế hoạch."]


def test_the_budget_line_names_each_source_that_pays() -> None:
    by_source = [("ngân sách huyện", 1_200_000), ("ngân sách các xã, thị trấn", 0),
                 ("nhiệm vụ chưa giao đơn vị chủ trì", 350_000)]
    assert budget_line(4, by_source) == (
        "4. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 1.550.000 đồng, trong đó: ngân sách huyện "
        "1.200.000 đồng; nhiệm vụ chưa giao đơn vị chủ trì 350.000 đồng (chi tiết tại Phụ lục kèm theo Kế hoạch).")
    assert budget_line(1, []) == (
        "1. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 0 đồng (chi tiết tại Phụ lục kèm theo Kế "
        "hoạch).")


def test_a_tasks_source_is_its_own_else_its_lead_units_and_totals_keep_the_sources_order() -> None:
    assert resolve(SOCIAL, lead_is_place=True) == SOCIAL  # chosen: whoever leads
    assert resolve(BY_LEAD, lead_is_place=True) == PLACES and resolve(BY_LEAD, lead_is_place=False) == OWN
    assert resolve(BY_LEAD, lead_is_place=None) == UNKNOWN and resolve(SUPERIOR, lead_is_place=None) == SUPERIOR
    # 3 + 4 = 7 million of sponsorship, 5 of the unit's own, 2 of the level above, nothing of the places
    assert totals([(SOCIAL, 3_000_000), (OWN, 5_000_000), (PLACES, 0), (SOCIAL, 4_000_000),
                   (SUPERIOR, 2_000_000)]) == [(SUPERIOR, 2_000_000), (OWN, 5_000_000), (SOCIAL, 7_000_000)]
