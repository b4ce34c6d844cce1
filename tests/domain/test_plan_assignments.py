"""Section III's draft from the tasks: one line a party, in its order, leads before supports; the budgets by source."""

from __future__ import annotations

from kehoach_desktop.domain.plan_assignments import LEAD, SUPPORT, Budgets, Party, assignments_text, budget_line


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
    budgets = Budgets("ngân sách huyện", 1_200_000, "ngân sách các xã, thị trấn", 0, 350_000)
    assert budget_line(4, budgets) == (
        "4. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 1.550.000 đồng, trong đó: ngân sách huyện "
        "1.200.000 đồng; nhiệm vụ chưa giao đơn vị chủ trì 350.000 đồng (chi tiết tại Phụ lục kèm theo Kế hoạch).")
    assert budget_line(1, Budgets("ngân sách huyện", 0, "", 0, 0)) == (
        "1. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 0 đồng (chi tiết tại Phụ lục kèm theo Kế "
        "hoạch).")
