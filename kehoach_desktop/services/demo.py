"""A demo district workspace: the 2021 plan of a district, issued in January and well into its year.

Everything here is invented but shaped like the real thing: the tasks a district's Culture and
Information office gives its offices, centre and wards; the banners, flags and panels of the
2021 campaigns (the XIIIth Party Congress, the May elections, COVID-19, the national day…)
with their life cycle; the events of the year. The data is dated as of a *demo day*
(:data:`DEMO_TODAY`, 20 September 2021) so that a newcomer sees a year in progress: work done
and removed in spring, campaigns still on the streets, a few late tasks and late removals, and
events in the coming week. The plan is issued (number 05, revision 1, its snapshot taken by
:func:`services.plan_revisions.build_snapshot`, so that later revisions compare with it).

The same ``seed`` always gives the same data (only the UUIDs differ). ``scale`` multiplies the
registers (``scale=50``: 2,000 tasks, 10,000 materials, 1,200 events); the rows are inserted
with bulk INSERT statements through the session, so that takes a few seconds at most.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import (
    EventStatus,
    EventType,
    MaterialStatus,
    MaterialType,
    PlanStatus,
    PropagandaForm,
    ResponsibleUnitKind,
    SectionKind,
    TaskStatus,
    WorkspaceMode,
)
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.i18n import _
from kehoach_desktop.resources import resources_dir
from kehoach_desktop.services import audit
from kehoach_desktop.services.documents import KIND_PLAN, IssueDetails, record_issue
from kehoach_desktop.services.events import EventInput
from kehoach_desktop.services.events import search_key_of as event_search_key
from kehoach_desktop.services.materials import MaterialInput
from kehoach_desktop.services.materials import search_key_of as material_search_key
from kehoach_desktop.services.plan_revisions import build_snapshot
from kehoach_desktop.services.units import places_of
from kehoach_desktop.services.workspace import DEMO_TODAY_SETTING, WorkspaceSetup, create_workspace
from kehoach_desktop.storage.engine import Store
from kehoach_desktop.storage.models import (
    Event,
    Material,
    Plan,
    PlanRevision,
    PlanSection,
    ResponsibleUnit,
    Setting,
    Task,
    WorkspaceInfo,
    new_id,
)
from kehoach_desktop.storage.statistics import refresh_if_stale

DEMO_TODAY = dt.date(2021, 9, 20)
"""The day the demo data is dated as of: the plan year looks about three quarters done."""

DEMO_YEAR = 2021
MATERIALS_PER_SCALE = 200
EVENTS_PER_SCALE = 24
MAX_SCALE = 2000
_BATCH = 5000
_YEAR_START = dt.date(DEMO_YEAR, 1, 1)
_YEAR_END = dt.date(DEMO_YEAR, 12, 31)
_HANOI = dt.timezone(dt.timedelta(hours=7))

SIGNER_NAMES = ("Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Minh Tuấn", "Phạm Thị Lan Anh",
                "Hoàng Văn Đức", "Vũ Thị Hồng Nhung")


def _d(month: int, day: int) -> dt.date:
    return dt.date(DEMO_YEAR, month, day)


# --------------------------------------------------------------------------------------------
# The place: a district with its wards, and the words that name them
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    code: str
    kind: str  # as the template writes it
    name: str
    wards: tuple[tuple[str, str], ...]  # (kind, name) of its places

    @property
    def district(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def ward_level(self) -> str:
        """"phường", "xã, thị trấn" or "phường, xã": the commune-level units of the district."""
        kinds = [kind for kind in ("phường", "xã", "thị trấn") if any(k == kind for k, _n in self.wards)]
        return ", ".join(kinds) or "đơn vị cấp xã"

    @property
    def wards_phrase(self) -> str:
        """"21 phường", "31 xã, thị trấn"…"""
        return f"{len(self.wards)} {self.ward_level}" if self.wards else f"các {self.ward_level}"

    def fill(self, text: str) -> str:
        return text.format(district=self.district, District=self.district[:1].upper() + self.district[1:],
                           wards=self.wards_phrase, ward_level=self.ward_level)


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


class _TaskSpec(NamedTuple):
    section: str  # template key
    form: PropagandaForm
    content: str
    lead: str  # code of the lead unit in the directory
    support: tuple[str, ...]  # codes of units that may support; "wards" for the ward committees
    start: dt.date
    due: dt.date
    budget: tuple[int, int]  # million VND
    indicator: tuple[str, int, bool] | None = None  # (unit, target, per ward)
    tag: str = ""  # links the task with the materials of a campaign, or with an event
    late: bool = False  # left open past its due date
    cancel: bool = False  # stopped (mostly COVID-19)


_F = PropagandaForm
TASKS: tuple[_TaskSpec, ...] = (
    # 1.1 the city's direction: Party Congress, elections, the year's motto, administrative reform
    _TaskSpec("II.1.1", _F.LOUDSPEAKER,
              "Tuyên truyền trên hệ thống loa truyền thanh {wards} về bầu cử đại biểu Quốc hội khóa XV "
              "và đại biểu HĐND các cấp nhiệm kỳ 2021 - 2026", "vhtt", ("wards",), _d(3, 1), _d(5, 23), (20, 40),
              ("buổi phát thanh", 12, True), "election"),
    _TaskSpec("II.1.1", _F.VISUAL,
              "Treo băng rôn, khẩu hiệu chào mừng Đại hội XIII của Đảng trên các tuyến phố chính",
              "tt_vhtt_tt", ("qldt", "wards"), _d(1, 5), _d(2, 5), (150, 250), ("băng rôn", 300, False), "congress"),
    _TaskSpec("II.1.1", _F.VISUAL,
              "Trang trí cổ động trực quan chào mừng cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND "
              "các cấp tại các khu vực bỏ phiếu", "tt_vhtt_tt", ("wards", "qldt"), _d(4, 10), _d(5, 25),
              (120, 200), None, "election"),
    _TaskSpec("II.1.1", _F.CONFERENCE,
              "Tổ chức hội nghị quán triệt, triển khai Nghị quyết Đại hội XIII của Đảng và Nghị quyết Đại hội "
              "Đảng bộ Thành phố lần thứ XVII cho cán bộ chủ chốt {district}", "btg", ("vhtt", "noivu"),
              _d(3, 15), _d(4, 15), (30, 60), ("lượt người", 1200, False)),
    _TaskSpec("II.1.1", _F.SOCIAL_MEDIA,
              "Đăng tải tin, bài về hoạt động chỉ đạo, điều hành của UBND {district} trên Cổng thông tin điện tử "
              "và trang mạng xã hội chính thức của {district}", "vp_hdnd_ubnd", ("vhtt",), _d(1, 4), _d(12, 31),
              (0, 0), ("tin, bài", 600, False)),
    _TaskSpec("II.1.1", _F.BULLETIN_BOARD,
              "Cập nhật thông tin về cải cách hành chính, dịch vụ công trực tuyến mức độ 3, 4 trên bảng tin "
              "công cộng tại trụ sở UBND {wards}", "noivu", ("wards",), _d(2, 15), _d(11, 30), (20, 40)),
    _TaskSpec("II.1.1", _F.PRESS,
              "Phối hợp với các cơ quan báo chí tuyên truyền chủ đề năm 2021 “Kỷ cương, trách nhiệm, hành động, "
              "sáng tạo, phát triển”", "vhtt", ("vp_hdnd_ubnd",), _d(1, 15), _d(12, 15), (50, 80), None, "year"),
    _TaskSpec("II.1.1", _F.CONFERENCE,
              "Tổ chức hội nghị tiếp xúc cử tri với người ứng cử đại biểu Quốc hội khóa XV và đại biểu HĐND "
              "Thành phố tại {district}", "mttq", ("wards", "vp_hdnd_ubnd"), _d(4, 20), _d(5, 20), (40, 70),
              ("hội nghị", 12, False)),
    # 1.2 the economy
    _TaskSpec("II.1.2", _F.PRESS,
              "Tuyên truyền các chính sách hỗ trợ người lao động, hộ kinh doanh gặp khó khăn do đại dịch "
              "COVID-19 theo Nghị quyết 68/NQ-CP của Chính phủ", "ldtbxh", ("wards", "kinhte"), _d(7, 5),
              _d(10, 31), (10, 20)),
    _TaskSpec("II.1.2", _F.LOUDSPEAKER,
              "Phát thanh tuyên truyền thực hiện “mục tiêu kép” vừa phòng, chống dịch, vừa phục hồi và phát "
              "triển kinh tế trên hệ thống loa truyền thanh {wards}", "vhtt", ("wards",), _d(3, 1), _d(12, 15),
              (10, 20), ("buổi phát thanh", 8, True), "economy"),
    _TaskSpec("II.1.2", _F.CONFERENCE,
              "Tổ chức hội nghị đối thoại với doanh nghiệp, hộ kinh doanh trên địa bàn về tháo gỡ khó khăn, "
              "cải thiện môi trường đầu tư kinh doanh", "kinhte", ("tckh", "ldld"), _d(6, 1), _d(9, 10), (30, 50),
              late=True),
    _TaskSpec("II.1.2", _F.TRAINING,
              "Tập huấn hướng dẫn hộ kinh doanh kê khai thuế điện tử và bán hàng trên các sàn thương mại "
              "điện tử", "kinhte", ("wards", "hlhpn"), _d(10, 1), _d(11, 15), (40, 60), ("lớp", 4, False)),
    # 1.3 urban planning and order, the environment
    _TaskSpec("II.1.3", _F.VISUAL,
              "Treo băng rôn tuyên truyền giữ gìn trật tự, văn minh đô thị, không lấn chiếm vỉa hè, lòng đường",
              "qldt", ("qlttxd", "wards"), _d(3, 1), _d(4, 30), (60, 100), None, "urban"),
    _TaskSpec("II.1.3", _F.LOUDSPEAKER,
              "Phát thanh hướng dẫn phân loại rác thải tại nguồn, giữ gìn vệ sinh môi trường khu dân cư", "tnmt",
              ("wards",), _d(4, 1), _d(10, 31), (5, 15), ("buổi phát thanh", 6, True)),
    _TaskSpec("II.1.3", _F.PRESS,
              "Thông tin tiến độ thực hiện các dự án giao thông, chỉnh trang đô thị trọng điểm trên địa bàn "
              "{district}", "qldt", ("vp_hdnd_ubnd",), _d(2, 1), _d(12, 31), (0, 0)),
    _TaskSpec("II.1.3", _F.EVENT,
              "Ra quân tổng vệ sinh môi trường hưởng ứng Ngày Môi trường thế giới 5/6 và Tháng hành động vì "
              "môi trường", "tnmt", ("doantn", "wards", "hlhpn"), _d(6, 1), _d(6, 10), (20, 40),
              ("lượt người", 3000, False)),
    _TaskSpec("II.1.3", _F.CONFERENCE,
              "Tổ chức hội nghị phổ biến Luật Bảo vệ môi trường năm 2020 cho cán bộ {ward_level} và tổ dân phố",
              "tnmt", ("tuphap", "wards"), _d(8, 1), _d(9, 15), (20, 35), late=True),
    _TaskSpec("II.1.3", _F.BULLETIN_BOARD,
              "Niêm yết công khai kế hoạch sử dụng đất năm 2021 của {district} tại trụ sở UBND {wards}", "tnmt",
              ("wards",), _d(3, 15), _d(4, 30), (15, 25)),
    # 1.4 culture and society, health, education
    _TaskSpec("II.1.4", _F.VISUAL,
              "Tuyên truyền cổ động trực quan thực hiện thông điệp 5K phòng, chống dịch COVID-19 tại khu dân cư, "
              "chợ, trung tâm thương mại", "yte", ("wards", "tt_vhtt_tt"), _d(1, 25), _d(12, 31), (80, 150),
              ("áp-phích", 2000, False), "covid"),
    _TaskSpec("II.1.4", _F.LOUDSPEAKER,
              "Phát thanh thông tin về tình hình dịch bệnh và chiến dịch tiêm vắc xin phòng COVID-19 trên hệ "
              "thống loa truyền thanh {wards}", "yte", ("wards",), _d(2, 1), _d(12, 31), (10, 20),
              ("buổi phát thanh", 30, True)),
    _TaskSpec("II.1.4", _F.VISUAL,
              "Treo băng rôn, cờ chào mừng kỷ niệm 131 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - "
              "19/5/2021)", "tt_vhtt_tt", ("wards",), _d(5, 5), _d(5, 25), (60, 100), None, "hcm"),
    _TaskSpec("II.1.4", _F.VISUAL,
              "Trang trí cổ động trực quan chào mừng 76 năm Cách mạng Tháng Tám và Quốc khánh 2/9", "tt_vhtt_tt",
              ("wards", "qldt"), _d(8, 10), _d(9, 5), (150, 250), None, "national"),
    _TaskSpec("II.1.4", _F.EVENT,
              "Tổ chức các hoạt động kỷ niệm 67 năm Ngày Giải phóng Thủ đô (10/10/1954 - 10/10/2021)", "vhtt",
              ("tt_vhtt_tt", "doantn", "hccb"), _d(9, 15), _d(10, 15), (150, 300), None, "liberation"),
    _TaskSpec("II.1.4", _F.PRESS,
              "Tuyên truyền xây dựng “Người Hà Nội thanh lịch, văn minh” và Quy tắc ứng xử nơi công cộng trên "
              "địa bàn {district}", "vhtt", ("wards", "hlhpn"), _d(2, 1), _d(12, 31), (15, 30), None, "civil"),
    _TaskSpec("II.1.4", _F.TRAINING,
              "Tuyên truyền, hướng dẫn kỹ năng phòng, chống đuối nước và xâm hại trẻ em trong dịp hè 2021",
              "ldtbxh", ("gddt", "doantn", "wards"), _d(6, 1), _d(8, 15), (20, 40), cancel=True),
    _TaskSpec("II.1.4", _F.EVENT,
              "Tổ chức Ngày hội đọc sách và văn hóa đọc cho học sinh tiểu học, trung học cơ sở", "gddt",
              ("tt_vhtt_tt", "doantn"), _d(4, 12), _d(4, 25), (30, 50), ("lượt người", 2500, False), "reading"),
    _TaskSpec("II.1.4", _F.SOCIAL_MEDIA,
              "Tuyên truyền trên mạng xã hội về tiêm chủng vắc xin phòng COVID-19, bác bỏ thông tin sai lệch "
              "về vắc xin", "yte", ("vhtt", "doantn"), _d(6, 15), _d(12, 31), (0, 0)),
    _TaskSpec("II.1.4", _F.EVENT,
              "Tổ chức Giải chạy Vì sức khỏe cộng đồng {district} năm 2021", "tt_vhtt_tt",
              ("doantn", "gddt", "wards"), _d(3, 1), _d(3, 31), (80, 150), ("lượt người", 1500, False), "run"),
    # 2.1 the press
    _TaskSpec("II.2.1", _F.PRESS,
              "Cung cấp thông tin cho các cơ quan báo chí Trung ương và Hà Nội về kết quả thực hiện nhiệm vụ "
              "phát triển kinh tế - xã hội của {district} 6 tháng đầu năm 2021", "vp_hdnd_ubnd", ("vhtt", "tckh"),
              _d(6, 20), _d(7, 15), (0, 0)),
    _TaskSpec("II.2.1", _F.PRESS,
              "Đặt hàng tuyên truyền trên báo Hà Nội Mới, báo Kinh tế và Đô thị, Đài Phát thanh và Truyền hình "
              "Hà Nội về các sự kiện chính trị của {district}", "vhtt", ("tckh",), _d(2, 1), _d(12, 15),
              (150, 300), ("tin, bài", 40, False)),
    # 2.2 loudspeakers and public bulletin boards
    _TaskSpec("II.2.2", _F.LOUDSPEAKER,
              "Duy trì phát sóng chương trình phát thanh định kỳ của {district} trên hệ thống loa truyền thanh "
              "{wards}", "tt_vhtt_tt", ("wards",), _d(1, 4), _d(12, 31), (60, 90), ("buổi phát thanh", 150, True)),
    _TaskSpec("II.2.2", _F.BULLETIN_BOARD,
              "Lắp đặt thí điểm bảng tin điện tử công cộng tại trụ sở UBND {ward_level} và nơi sinh hoạt cộng "
              "đồng", "vhtt", ("wards", "qldt"), _d(5, 1), _d(9, 24), (200, 300), ("bảng tin", 5, False)),
    _TaskSpec("II.2.2", _F.LOUDSPEAKER,
              "Sửa chữa, thay thế cụm loa hỏng; chuyển dần hệ thống truyền thanh sang ứng dụng công nghệ thông "
              "tin - viễn thông", "vhtt", ("wards", "tckh"), _d(3, 15), _d(8, 31), (100, 200), ("cụm loa", 40, False),
              late=True),
    # 2.3 visual propaganda, cultural and sports activities
    _TaskSpec("II.2.3", _F.VISUAL,
              "Thay mới pa-nô tuyên truyền cố định tại các nút giao thông, cửa ngõ {district}", "tt_vhtt_tt",
              ("qldt",), _d(3, 1), _d(5, 31), (150, 250), ("pa-nô", 8, False), "year"),
    _TaskSpec("II.2.3", _F.EVENT,
              "Tổ chức chương trình nghệ thuật chào mừng Đại hội XIII của Đảng và mừng Xuân Tân Sửu 2021",
              "tt_vhtt_tt", ("doantn", "hlhpn"), _d(1, 15), _d(2, 10), (100, 200), None, "congress_arts"),
    _TaskSpec("II.2.3", _F.VISUAL,
              "Phát hành tờ gấp, cẩm nang hỏi - đáp về bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các "
              "cấp tới các hộ gia đình", "vhtt", ("wards", "mttq"), _d(3, 20), _d(5, 10), (40, 70),
              ("tờ gấp", 30000, False), "election"),
    _TaskSpec("II.2.3", _F.EVENT,
              "Tổ chức liên hoan văn nghệ quần chúng các {ward_level} chào mừng Quốc khánh 2/9", "tt_vhtt_tt",
              ("wards", "hlhpn"), _d(8, 1), _d(8, 31), (50, 90), cancel=True),
    # 2.4 the press: state management
    _TaskSpec("II.2.4", _F.CONFERENCE,
              "Tổ chức giao ban báo chí định kỳ hằng quý; thực hiện quy chế người phát ngôn và cung cấp thông "
              "tin cho báo chí", "vp_hdnd_ubnd", ("vhtt",), _d(1, 15), _d(12, 31), (10, 20),
              ("cuộc giao ban", 4, False)),
    # 2.5 people who do the communication
    _TaskSpec("II.2.5", _F.TRAINING,
              "Tổ chức hội nghị tập huấn nghiệp vụ cho cán bộ thông tin cơ sở {wards}", "vhtt", ("wards",),
              _d(4, 5), _d(4, 30), (30, 50), ("lớp", 2, False), "training"),
    _TaskSpec("II.2.5", _F.TRAINING,
              "Bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin cho báo chí cho lãnh đạo các phòng, ban và "
              "UBND các {ward_level}", "vhtt", ("vp_hdnd_ubnd", "noivu"), _d(10, 10), _d(11, 20), (40, 60)),
)

_DONE_RESULTS = (
    "Đã triển khai đầy đủ, đúng tiến độ.",
    "Hoàn thành; đơn vị đã gửi báo cáo kết quả về Phòng Văn hóa và Thông tin.",
    "Hoàn thành; các đơn vị phối hợp thực hiện tốt, được nhân dân đồng tình hưởng ứng.",
    "Đã hoàn thành, nội dung tuyên truyền đúng định hướng, kịp thời.",
)
_LATE_RESULTS = (
    "Chậm tiến độ do thực hiện giãn cách xã hội phòng, chống dịch COVID-19; đơn vị đang đôn đốc hoàn thành.",
    "Chưa hoàn thành do phải điều chỉnh nội dung và kinh phí; đề nghị gia hạn đến quý IV/2021.",
    "Đang hoàn thiện hồ sơ, thủ tục thanh toán; chậm so với kế hoạch.",
)
_CANCELLED_RESULT = ("Dừng thực hiện do diễn biến phức tạp của dịch COVID-19, không tổ chức hoạt động tập trung "
                     "đông người theo chỉ đạo của UBND Thành phố.")

LOCAL_TEXTS = {
    "II.1.1": ("Tập trung tuyên truyền cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ "
               "2021 - 2026 trên địa bàn {district}; kết quả thực hiện Nghị quyết Đại hội đại biểu Đảng bộ "
               "{district} nhiệm kỳ 2020 - 2025 và các chương trình công tác của {District} ủy."),
    "II.1.3": ("Tuyên truyền công tác chỉnh trang đô thị, xử lý vi phạm trật tự xây dựng, lấn chiếm vỉa hè, lòng "
               "đường trên địa bàn {district}; tiến độ các dự án giao thông, cải tạo hạ tầng và phân loại rác thải "
               "tại nguồn ở {wards}."),
    "II.1.4": ("Tuyên truyền thực hiện Quy tắc ứng xử nơi công cộng, phong trào “Toàn dân đoàn kết xây dựng đời "
               "sống văn hóa” tại các tổ dân phố, khu dân cư; biểu dương các tập thể, cá nhân tiêu biểu trong công "
               "tác phòng, chống dịch COVID-19 của {district}."),
}


# --------------------------------------------------------------------------------------------
# Materials
# --------------------------------------------------------------------------------------------


class _Campaign(NamedTuple):
    section: str
    weight: int
    plan_from: dt.date  # planned_on falls in [plan_from, plan_to]
    plan_to: dt.date
    removal: dt.date  # when the campaign's materials come down
    slogans: tuple[str, ...]
    leaflets: tuple[str, ...]  # titles of its leaflets
    handbooks: tuple[str, ...]  # titles of its handbooks and booklets
    flags: tuple[str, ...]


CAMPAIGNS: dict[str, _Campaign] = {
    "congress": _Campaign("II.1.1", 14, _d(1, 4), _d(1, 12), _d(2, 10), (
        "Nhiệt liệt chào mừng Đại hội đại biểu toàn quốc lần thứ XIII của Đảng!",
        "Đảng Cộng sản Việt Nam quang vinh muôn năm!",
        "Mừng Đảng quang vinh, mừng Xuân Tân Sửu 2021!",
        "Nhiệt liệt chào mừng 91 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2021)!",
    ), ("Tờ gấp tuyên truyền kỷ niệm 91 năm Ngày thành lập Đảng Cộng sản Việt Nam",),
        ("Tài liệu hỏi - đáp về Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",),
        ("Cờ Đảng, cờ Tổ quốc trang trí các tuyến phố", "Cờ phướn chào mừng Đại hội XIII của Đảng")),
    "election": _Campaign("II.1.1", 20, _d(3, 22), _d(4, 12), _d(5, 30), (
        "Toàn dân tích cực tham gia bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021 - 2026",
        "Ngày 23/5/2021 - Ngày hội của toàn dân",
        "Cử tri thực hiện đúng nguyên tắc bầu cử: phổ thông, bình đẳng, trực tiếp và bỏ phiếu kín",
        "Bầu cử đại biểu Quốc hội và đại biểu HĐND các cấp là quyền và nghĩa vụ của mỗi công dân",
    ), ("Tờ gấp hỏi - đáp về bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp",
        "Tờ rơi thông báo thời gian, địa điểm bỏ phiếu ngày 23/5/2021"),
        ("Cẩm nang dành cho cử tri - Bầu cử ngày 23/5/2021", "Sổ tay công tác bầu cử dành cho tổ bầu cử"),
        ("Cờ Tổ quốc trang trí khu vực bỏ phiếu", "Cờ phướn “Ngày hội non sông 23/5/2021”")),
    "april": _Campaign("II.1.4", 5, _d(4, 5), _d(4, 14), _d(5, 5), (
        "Nhiệt liệt chào mừng 46 năm Ngày giải phóng miền Nam, thống nhất đất nước (30/4/1975 - 30/4/2021)!",
        "Nhiệt liệt chào mừng Ngày Quốc tế Lao động 1/5/2021!",
    ), ("Tờ gấp tuyên truyền kỷ niệm 46 năm Ngày giải phóng miền Nam, thống nhất đất nước",),
        ("Tài liệu tuyên truyền kỷ niệm Ngày giải phóng miền Nam, thống nhất đất nước",),
        ("Cờ Tổ quốc trang trí dịp 30/4 - 1/5",)),
    "hcm": _Campaign("II.1.4", 6, _d(4, 22), _d(5, 3), _d(5, 25), (
        "Nhiệt liệt kỷ niệm 131 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2021)!",
        "Chủ tịch Hồ Chí Minh vĩ đại sống mãi trong sự nghiệp của chúng ta!",
    ), ("Tờ gấp tuyên truyền kỷ niệm 131 năm Ngày sinh Chủ tịch Hồ Chí Minh",),
        ("Tài liệu tuyên truyền kỷ niệm 131 năm Ngày sinh Chủ tịch Hồ Chí Minh",),
        ("Cờ Tổ quốc, cờ Đảng trang trí dịp 19/5",)),
    "national": _Campaign("II.1.4", 10, _d(8, 2), _d(8, 12), _d(9, 10), (
        "Nhiệt liệt chào mừng 76 năm Cách mạng Tháng Tám thành công (19/8/1945 - 19/8/2021) và Quốc khánh nước "
        "Cộng hòa xã hội chủ nghĩa Việt Nam (02/9/1945 - 02/9/2021)!",
        "Nước Cộng hòa xã hội chủ nghĩa Việt Nam muôn năm!",
    ), ("Tờ gấp tuyên truyền kỷ niệm 76 năm Cách mạng Tháng Tám và Quốc khánh 2/9",),
        ("Tài liệu tuyên truyền kỷ niệm 76 năm Cách mạng Tháng Tám và Quốc khánh 2/9",),
        ("Cờ Tổ quốc trang trí dịp Quốc khánh 2/9", "Cờ phướn chào mừng Quốc khánh 2/9")),
    "liberation": _Campaign("II.1.4", 6, _d(9, 6), _d(9, 18), _d(10, 20), (
        "Nhiệt liệt chào mừng 67 năm Ngày Giải phóng Thủ đô (10/10/1954 - 10/10/2021)!",
        "Hà Nội - Thành phố vì hòa bình",
    ), ("Tờ gấp “Hà Nội - 67 năm xây dựng và phát triển”",),
        ("Tài liệu tuyên truyền kỷ niệm 67 năm Ngày Giải phóng Thủ đô",),
        ("Cờ Tổ quốc trang trí dịp kỷ niệm Ngày Giải phóng Thủ đô",)),
    "covid": _Campaign("II.1.4", 16, _d(2, 1), _d(8, 31), _YEAR_END, (
        "Thực hiện tốt thông điệp 5K phòng, chống dịch COVID-19",
        "Mỗi người dân là một chiến sĩ, mỗi gia đình, khu dân cư là một pháo đài chống dịch",
        "Tiêm vắc xin phòng COVID-19 - an toàn, hiệu quả",
    ), ("Tờ rơi hướng dẫn thực hiện thông điệp 5K phòng, chống dịch COVID-19",
        "Tờ rơi hướng dẫn đăng ký tiêm vắc xin phòng COVID-19"),
        ("Cẩm nang phòng, chống dịch COVID-19 tại cộng đồng",),
        ("Cờ phướn tuyên truyền phòng, chống dịch COVID-19",)),
    "year": _Campaign("II.1.1", 9, _d(1, 5), _d(3, 15), _YEAR_END, (
        "Kỷ cương, trách nhiệm, hành động, sáng tạo, phát triển",
        "Đẩy mạnh cải cách hành chính, xây dựng chính quyền điện tử, chính quyền số",
    ), ("Tờ gấp hướng dẫn sử dụng dịch vụ công trực tuyến mức độ 3, 4",),
        ("Sổ tay hướng dẫn thủ tục hành chính thường gặp tại bộ phận một cửa",),
        ("Cờ phướn chủ đề năm 2021 “Kỷ cương, trách nhiệm, hành động, sáng tạo, phát triển”",)),
    "civil": _Campaign("II.1.4", 6, _d(2, 20), _d(6, 30), _YEAR_END, (
        "Xây dựng người Hà Nội thanh lịch, văn minh",
        "Thực hiện tốt Quy tắc ứng xử nơi công cộng trên địa bàn thành phố Hà Nội",
    ), ("Tờ gấp Quy tắc ứng xử nơi công cộng trên địa bàn thành phố Hà Nội",),
        ("Cẩm nang “Người Hà Nội thanh lịch, văn minh”",),
        ("Cờ phướn “Người Hà Nội thanh lịch, văn minh”",)),
    "urban": _Campaign("II.1.3", 5, _d(3, 1), _d(7, 15), _YEAR_END, (
        "Chung tay xây dựng đô thị văn minh, xanh - sạch - đẹp",
        "Không lấn chiếm vỉa hè, lòng đường; giữ gìn trật tự, văn minh đô thị",
        "Phân loại rác thải tại nguồn - bảo vệ môi trường sống",
    ), ("Tờ rơi hướng dẫn phân loại rác thải tại nguồn",),
        ("Sổ tay hướng dẫn bảo vệ môi trường khu dân cư",),
        ("Cờ phướn tuyên truyền văn minh đô thị",)),
    "economy": _Campaign("II.1.2", 3, _d(3, 1), _d(8, 15), _YEAR_END, (
        "Vừa phòng, chống dịch hiệu quả, vừa phục hồi, phát triển kinh tế - xã hội",
    ), ("Tờ rơi giới thiệu chính sách hỗ trợ người lao động, hộ kinh doanh gặp khó khăn do COVID-19",),
        ("Sổ tay hỏi - đáp về chính sách hỗ trợ theo Nghị quyết 68/NQ-CP của Chính phủ",),
        ("Cờ phướn “Vừa phòng, chống dịch hiệu quả, vừa phục hồi, phát triển kinh tế”",)),
}


class _MaterialKind(NamedTuple):
    weight: int
    quantity: tuple[int, int]
    unit_cost: tuple[int, int]  # thousand VND per piece
    sizes: tuple[str, ...]
    hangs: bool  # put up and taken down again (leaflets and handbooks are given out)


MATERIAL_KINDS: dict[MaterialType, _MaterialKind] = {
    MaterialType.BANNER: _MaterialKind(36, (5, 60), (350, 900), ("0,8 x 10 m", "0,8 x 12 m", "0,9 x 15 m",
                                                                 "1,2 x 20 m"), True),
    MaterialType.FLAG: _MaterialKind(20, (50, 500), (40, 150), ("1,2 x 1,8 m", "0,8 x 1,2 m", "0,6 x 3,5 m"), True),
    MaterialType.PANEL: _MaterialKind(13, (1, 6), (3000, 15000), ("2 x 4 m", "3 x 6 m", "4 x 8 m", "5 x 10 m"),
                                      True),
    MaterialType.POSTER: _MaterialKind(10, (20, 300), (8, 25), ("A1", "A2", "60 x 90 cm"), True),
    MaterialType.LEAFLET: _MaterialKind(8, (1000, 20000), (1, 3), ("A4", "A5"), False),
    MaterialType.HANDBOOK: _MaterialKind(5, (500, 5000), (8, 25), ("A5, 24 trang", "14,5 x 20,5 cm, 32 trang"),
                                         False),
    MaterialType.PAINTING: _MaterialKind(4, (1, 4), (4000, 12000), ("1,5 x 3 m", "2,4 x 4,8 m", "3 x 6 m"), True),
    MaterialType.LED_SCREEN: _MaterialKind(2, (1, 3), (5000, 20000), ("2,5 x 4 m", "3 x 5 m", "4 x 6 m"), True),
    MaterialType.FRAME_SCREEN: _MaterialKind(1, (1, 3), (1500, 4000), ("43 inch", "55 inch"), True),
    MaterialType.OTHER: _MaterialKind(1, (1, 5), (1000, 5000), ("1,2 x 2,4 m",), True),
}

SUPPLIERS = (
    "Công ty TNHH Quảng cáo Đông Đô",
    "Công ty CP In và Quảng cáo Thăng Long",
    "Công ty TNHH Thương mại và Quảng cáo Hà Thành",
    "Công ty CP Truyền thông Sao Việt",
    "Công ty TNHH Dịch vụ Quảng cáo Tây Sơn",
    "Xưởng in lụa Văn Chương",
)
STREETS = (
    "Đường Láng", "Tây Sơn", "Xã Đàn", "Tôn Đức Thắng", "Nguyễn Lương Bằng", "Chùa Bộc", "Thái Hà", "Khâm Thiên",
    "Giải Phóng", "Lê Duẩn", "Nguyễn Chí Thanh", "Láng Hạ", "Huỳnh Thúc Kháng", "Thái Thịnh", "Trường Chinh",
    "Phạm Ngọc Thạch", "Đặng Tiến Đông", "Hoàng Cầu", "Kim Liên", "Trần Quang Diệu",
)
_MATERIAL_NOTES = {
    MaterialStatus.PLANNED: ("Chờ duyệt ma-két", "Đã lấy ý kiến vị trí treo của UBND {ward_kind}"),
    MaterialStatus.PRODUCED: ("Đã nghiệm thu, chờ lắp đặt", "Đã giao về kho Trung tâm"),
    MaterialStatus.INSTALLED: ("Treo tại dải phân cách giữa", "Vị trí đã được UBND {ward_kind} thống nhất",
                               "Đã kiểm tra, đảm bảo an toàn"),
    MaterialStatus.REMOVED: ("Đã tháo dỡ, thu hồi về kho Trung tâm", "Tháo dỡ đúng kế hoạch"),
    MaterialStatus.DAMAGED: ("Bị rách do mưa giông, cần thay thế", "Bạc màu, bong tróc"),
    MaterialStatus.REPLACED: ("Đã thay mới sau khi hư hỏng do mưa giông",),
}


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


class _EventSpec(NamedTuple):
    type: EventType
    title: str
    starts: dt.date
    ends: dt.date | None
    venue: str  # "{ward}" is a ward's name, "{ward_kind}" its kind
    organiser: str  # directory code
    participants: int
    budget: tuple[int, int]  # million VND
    section: str
    result: str  # result notes; "{actual}" is the number of participants
    at_ward: bool = False
    tag: str = ""  # the task it belongs to
    status: EventStatus | None = None  # forced outcome (postponed, cancelled), "" results for a held one
    notes: bool = True  # False: held, but its results were not written down yet


_E = EventType
_CENTRE = "Trung tâm Văn hóa - Thông tin và Thể thao {district}"
_HALL = "Hội trường UBND {district}"
EVENTS: tuple[_EventSpec, ...] = (
    _EventSpec(_E.ARTS, "Chương trình nghệ thuật chào mừng Đại hội XIII của Đảng và mừng Xuân Tân Sửu 2021",
               _d(1, 24), None, _CENTRE, "tt_vhtt_tt", 500, (100, 150), "II.1.1",
               "Chương trình gồm 18 tiết mục ca, múa, nhạc; thu hút khoảng {actual} người xem trực tiếp, "
               "được phát lại trên hệ thống loa truyền thanh.", tag="congress_arts"),
    _EventSpec(_E.ARTS, "Chương trình văn nghệ “Mừng Đảng - Mừng Xuân Tân Sửu 2021”", _d(2, 5), None,
               "Nhà văn hóa {ward_kind} {ward}", "tt_vhtt_tt", 300, (40, 60), "II.2.3",
               "Tổ chức an toàn, tuân thủ các biện pháp phòng, chống dịch; khoảng {actual} người tham dự.",
               at_ward=True),
    _EventSpec(_E.PRESS_CONFERENCE, "Họp báo thông tin về công tác chuẩn bị bầu cử đại biểu Quốc hội khóa XV và "
               "đại biểu HĐND các cấp", _d(4, 28), None, _HALL, "vp_hdnd_ubnd", 60, (8, 15), "II.1.1",
               "15 cơ quan báo chí dự; đã có 32 tin, bài phản ánh."),
    _EventSpec(_E.PRESS_CONFERENCE, "Họp báo thông tin kết quả bầu cử đại biểu HĐND {district} nhiệm kỳ "
               "2021 - 2026", _d(5, 29), None, _HALL, "vp_hdnd_ubnd", 50, (8, 15), "II.1.1", "", notes=False),
    _EventSpec(_E.SPORTS, "Giải chạy Vì sức khỏe cộng đồng {district} 2021", _d(3, 28), None,
               "Công viên Thống Nhất", "tt_vhtt_tt", 1500, (120, 180), "II.1.4",
               "Khoảng {actual} vận động viên của {wards} tham gia; trao 24 giải cá nhân và 6 giải đồng đội.",
               tag="run"),
    _EventSpec(_E.TRAINING, "Lớp tập huấn kỹ năng viết tin, bài cho cán bộ thông tin cơ sở", _d(4, 20), _d(4, 21),
               _HALL, "vhtt", 120, (25, 40), "II.2.5",
               "{actual} học viên của {wards} tham dự; 100% học viên hoàn thành bài thực hành.", tag="training"),
    _EventSpec(_E.TRAINING, "Tập huấn công tác tuyên truyền bầu cử cho cán bộ {ward_level} và tổ trưởng tổ dân phố",
               _d(4, 8), None, _HALL, "vhtt", 250, (20, 30), "II.1.1",
               "{actual} đại biểu tham dự; phát tài liệu hỏi - đáp về bầu cử cho các tổ dân phố."),
    _EventSpec(_E.CULTURAL, "Ngày hội đọc sách {district} năm 2021", _d(4, 21), None, _CENTRE, "gddt", 800,
               (30, 50), "II.1.4",
               "Trưng bày hơn 3.000 đầu sách; khoảng {actual} học sinh và phụ huynh tham gia.", tag="reading"),
    _EventSpec(_E.ARTS, "Liên hoan văn nghệ quần chúng chào mừng ngày bầu cử 23/5", _d(5, 15), None,
               "Nhà văn hóa {ward_kind} {ward}", "tt_vhtt_tt", 400, (30, 50), "II.2.3", "", at_ward=True,
               notes=False),
    _EventSpec(_E.CULTURAL, "Triển lãm ảnh “Chủ tịch Hồ Chí Minh với Thủ đô Hà Nội”", _d(5, 15), _d(5, 25),
               _CENTRE, "tt_vhtt_tt", 2000, (40, 70), "II.1.4",
               "Trưng bày 150 ảnh tư liệu; khoảng {actual} lượt người tham quan."),
    _EventSpec(_E.SPORTS, "Giải bóng đá thiếu niên {district} hè 2021", _d(6, 20), _d(7, 10),
               "Sân vận động {district}", "tt_vhtt_tt", 600, (60, 90), "II.1.4",
               "16 đội bóng của {wards} tham gia; khoảng {actual} lượt cổ động viên."),
    _EventSpec(_E.PRESS_CONTEST, "Giải báo chí viết về xây dựng Đảng và hệ thống chính trị {district} năm 2021",
               _d(3, 1), _d(11, 30), "Phòng Văn hóa và Thông tin {district}", "vhtt", 80, (40, 60), "II.2.4", ""),
    _EventSpec(_E.OTHER, "Gặp mặt các cơ quan báo chí nhân kỷ niệm 96 năm Ngày Báo chí Cách mạng Việt Nam "
               "(21/6/1925 - 21/6/2021)", _d(6, 18), None, _HALL, "vp_hdnd_ubnd", 80, (20, 35), "II.2.1",
               "{actual} phóng viên, biên tập viên của 40 cơ quan báo chí dự."),
    _EventSpec(_E.FIELD_TRIP, "Đưa phóng viên đi thực tế mô hình phân loại rác thải tại nguồn ở các {ward_level}",
               _d(7, 8), None, "Tổ dân phố số 5, {ward_kind} {ward}", "tnmt", 30, (5, 10), "II.1.3", "",
               at_ward=True, notes=False),
    _EventSpec(_E.ARTS, "Liên hoan văn nghệ quần chúng các {ward_level} chào mừng Quốc khánh 2/9", _d(8, 28), None,
               _CENTRE, "tt_vhtt_tt", 600, (50, 90), "II.2.3",
               "Hủy do thực hiện giãn cách xã hội theo Chỉ thị 17/CT-UBND của UBND Thành phố.",
               status=EventStatus.CANCELLED),
    _EventSpec(_E.SPORTS, "Giải cầu lông, bóng bàn công nhân viên chức {district} năm 2021", _d(8, 7), _d(8, 8),
               "Nhà thi đấu {district}", "ldld", 300, (40, 60), "II.1.4",
               "Tạm hoãn do giãn cách xã hội; dự kiến tổ chức lại trong quý IV.", status=EventStatus.POSTPONED),
    _EventSpec(_E.CULTURAL, "Chương trình “Trung thu cho em” tặng quà thiếu nhi có hoàn cảnh khó khăn",
               _d(9, 21), None, "Trụ sở UBND {ward_kind} {ward}", "doantn", 200, (30, 50), "II.1.4", "",
               at_ward=True, status=EventStatus.CONFIRMED),
    _EventSpec(_E.TRAINING, "Hội nghị trực tuyến tập huấn công tác tuyên truyền phòng, chống dịch COVID-19 trong "
               "tình hình mới cho cán bộ thông tin cơ sở", _d(9, 24), None,
               "Điểm cầu UBND {district} và UBND {wards}", "vhtt", 150, (10, 20), "II.2.5", ""),
    _EventSpec(_E.PRESS_CONFERENCE, "Họp báo thông tin các hoạt động kỷ niệm 67 năm Ngày Giải phóng Thủ đô",
               _d(10, 4), None, _HALL, "vp_hdnd_ubnd", 50, (8, 15), "II.1.4", "", tag="liberation"),
    _EventSpec(_E.ARTS, "Chương trình nghệ thuật chào mừng 67 năm Ngày Giải phóng Thủ đô (10/10/1954 - "
               "10/10/2021)", _d(10, 9), None, "Công viên Thống Nhất", "tt_vhtt_tt", 1000, (150, 250), "II.1.4",
               "", tag="liberation"),
    _EventSpec(_E.SPORTS, "Giải cờ vua, cờ tướng {district} năm 2021", _d(11, 13), _d(11, 14), _CENTRE,
               "tt_vhtt_tt", 200, (20, 35), "II.1.4", ""),
    _EventSpec(_E.PRESS_CONTEST, "Cuộc thi ảnh “{District} - những khoảnh khắc chống dịch”", _d(10, 15), _d(11, 30),
               _CENTRE, "vhtt", 150, (30, 50), "II.1.4", ""),
    _EventSpec(_E.TRAINING, "Lớp bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin cho báo chí", _d(11, 18),
               _d(11, 19), _HALL, "vp_hdnd_ubnd", 80, (30, 45), "II.2.5", ""),
    _EventSpec(_E.CULTURAL, "Ngày hội Đại đoàn kết toàn dân tộc tại khu dân cư", _d(11, 18), None,
               "Nhà văn hóa {ward_kind} {ward}", "mttq", 300, (15, 25), "II.1.4", "", at_ward=True),
)

_HELD_RESULTS = (
    "Tổ chức thành công, đúng kế hoạch; khoảng {actual} người tham dự.",
    "Hoàn thành; thu hút khoảng {actual} lượt người tham gia, được báo chí đưa tin.",
)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def demo_unit() -> str:
    """The reporting unit the demo is of, unless another is asked for (``resources/reference/demo.json``)."""
    return str(json.loads((resources_dir() / "reference" / "demo.json").read_text(encoding="utf-8"))["unit"])


def create_demo_workspace(*, path: Path, district_code: str | None = None, scale: int = 1, seed: int = 2021,
                          today: dt.date | None = None) -> Store:
    """Create a district workspace at ``path`` filled with invented, realistic data for 2021.

    ``today`` is the day the data is dated as of; it defaults to :data:`DEMO_TODAY`
    (20 September 2021), so that the year looks well under way: statuses, progress and every
    date of a life cycle are coherent with it (nothing is recorded after it). The day is kept in
    the workspace's settings (``demo.today``). ``scale`` multiplies the tasks (40), materials
    (200) and events (24); ``seed`` makes the data reproducible. Everything is written in one
    unit of work; nothing is left on disk when it fails. Returns the open store.
    """
    if not 1 <= scale <= MAX_SCALE:
        raise ValidationError(_("The scale must be a whole number from 1 to 2000."))
    today = today or DEMO_TODAY
    rng = random.Random(seed)
    signer = rng.choice(SIGNER_NAMES)
    return create_workspace(  # one transaction, and the file appears only when complete
        path=path, setup=WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code=district_code or demo_unit(),
                                        signer_name=signer,
                                        signer_title="Phó Chủ tịch"),
        is_demo=True, populate=lambda session: _fill(session, rng=rng, scale=scale, seed=seed, today=today))


@dataclass
class _Context:
    rng: random.Random
    today: dt.date
    area: _Area
    unit_code: str
    plan: Plan
    sections: dict[str, PlanSection]
    units: dict[str, ResponsibleUnit]  # by code
    ward_units: list[ResponsibleUnit]
    task_ids_by_tag: dict[str, list[str]]
    section_of_task: dict[str, str] = field(default_factory=dict)

    def section_id(self, key: str) -> str | None:
        section = self.sections.get(key)
        return section.id if section is not None else None

    def task_under(self, task_id: str | None, section_id: str | None) -> str | None:
        """``task_id`` if the task belongs to the record's theme, else none: a record linked to a task of
        another theme would be refused the first time it is saved, even unchanged."""
        if task_id is None or section_id is None or self.section_of_task.get(task_id) == section_id:
            return task_id
        return None


def _fill(session: Session, *, rng: random.Random, scale: int, seed: int, today: dt.date) -> None:
    info = session.scalars(select(WorkspaceInfo)).one()
    plan = session.scalars(select(Plan).where(Plan.unit_code == info.unit_code)).one()
    sections = {s.template_key: s for s in session.scalars(
        select(PlanSection).where(PlanSection.plan_id == plan.id).order_by(PlanSection.position)) if s.template_key}
    units = list(session.scalars(select(ResponsibleUnit).where(ResponsibleUnit.unit_code == info.unit_code)
                                 .order_by(ResponsibleUnit.position)))
    ward_kinds = {ResponsibleUnitKind.WARD.value, ResponsibleUnitKind.COMMUNE.value,
                  ResponsibleUnitKind.TOWNSHIP.value}
    area = _Area(info.unit_code, info.unit_kind, info.unit_name, tuple(places_of(session, info.unit_code)))
    ctx = _Context(rng=rng, today=today, area=area, unit_code=info.unit_code, plan=plan, sections=sections,
                   units={u.code: u for u in units}, ward_units=[u for u in units if u.kind in ward_kinds],
                   task_ids_by_tag={})

    for key, text in LOCAL_TEXTS.items():
        if key in sections:
            sections[key].local_text = area.fill(text)
    tasks = _make_tasks(ctx, scale)
    session.flush()
    for batch in _batches(tasks):
        session.execute(insert(Task), batch)
    _issue_plan(session, ctx)
    materials = events = 0
    for batch in _batches(_make_materials(ctx, scale)):
        session.execute(insert(Material), batch)
        materials += len(batch)
    for batch in _batches(_make_events(ctx, scale)):
        session.execute(insert(Event), batch)
        events += len(batch)
    refresh_if_stale(session)
    session.merge(Setting(key=DEMO_TODAY_SETTING, value=today.isoformat()))
    audit.record(session, unit_code=info.unit_code, action="demo.create", entity="workspace", entity_id=info.id,
                 summary=f"Dữ liệu minh họa năm {DEMO_YEAR} của {area.district}",
                 details={"seed": seed, "scale": scale, "today": today.isoformat(), "tasks": len(tasks),
                          "materials": materials, "events": events})


def _batches(rows: list[dict[str, Any]] | Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _stamp(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of office hours (Hanoi time) on ``day``, in UTC."""
    local = dt.datetime(day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60), tzinfo=_HANOI)
    return local.astimezone(dt.UTC)


def _clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(high, day))


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _money(rng: random.Random, low_million: int, high_million: int, step: int = 500_000) -> int:
    """A round amount of VND between the bounds (in millions), a multiple of ``step``."""
    low, high = low_million * 1_000_000 // step, high_million * 1_000_000 // step
    return rng.randint(low, high) * step


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _record(ctx: _Context, created: dt.datetime, updated: dt.datetime) -> dict[str, Any]:
    return {"id": new_id(), "unit_code": ctx.unit_code, "created_at": created, "updated_at": max(created, updated),
            "deleted_at": None, "version": 1}


# ---- tasks ----------------------------------------------------------------------------------


def _make_tasks(ctx: _Context, scale: int) -> list[dict[str, Any]]:
    """40 tasks per copy; a section the plan lacks (another template) falls back to its first theme."""
    themes = [k for k, s in ctx.sections.items() if s.kind in (SectionKind.THEME.value, SectionKind.FORM.value)]
    fallback = themes[0] if themes else next(iter(ctx.sections))
    offices = [u for u in ctx.units.values() if u.kind in (ResponsibleUnitKind.OFFICE.value,
                                                           ResponsibleUnitKind.CENTRE.value)]
    positions: dict[str, int] = {}
    return [_task_row(ctx, spec, copy, scale, positions, offices, fallback)
            for copy in range(1, scale + 1) for spec in TASKS]


def _task_row(ctx: _Context, spec: _TaskSpec, copy: int, scale: int, positions: dict[str, int],
              offices: list[ResponsibleUnit], fallback_section: str) -> dict[str, Any]:
    rng, today, area = ctx.rng, ctx.today, ctx.area
    section_key = spec.section if spec.section in ctx.sections else fallback_section
    section_id = ctx.sections[section_key].id
    content = area.fill(spec.content) + (f" (đợt {copy})" if scale > 1 else "")
    start, due = spec.start, spec.due
    if copy > 1:  # later rounds move a little in the year
        shift = _days(rng, -30, 30)
        length = due - start
        start = _clamp(start + shift, _YEAR_START, _YEAR_END - length)
        due = start + length
    lead = ctx.units.get(spec.lead) or ctx.units.get("vhtt") or (offices[0] if offices else None)
    supporting = _supporting_units(ctx, spec, lead)
    budget = _money(rng, *spec.budget) if spec.budget[1] else 0
    target: int | None = None
    unit = ""
    if spec.indicator is not None:
        unit, base, per_ward = spec.indicator
        target = base * max(1, len(area.wards)) if per_ward else base

    status, percent = _task_progress(rng, spec, start, due, today)
    achieved: int | None = None
    spent = 0
    result = ""
    updated_on: dt.date | None = None
    if status == TaskStatus.DONE:
        if target is not None:
            achieved = max(1, round(target * rng.uniform(0.95, 1.2)))
            result = (f"Đã hoàn thành: thực hiện {_vn(achieved)} {unit}, đạt {round(100 * achieved / target)}% "
                      f"chỉ tiêu kế hoạch.")
        else:
            result = rng.choice(_DONE_RESULTS)
        spent = int(round(budget * rng.uniform(0.86, 1.0), -4))
        updated_on = min(due + _days(rng, 0, 10), today)
    elif status == TaskStatus.IN_PROGRESS:
        if target is not None:
            achieved = round(target * percent / 100 * rng.uniform(0.9, 1.05))
        spent = min(budget, int(round(budget * percent / 100 * rng.uniform(0.7, 1.0), -4)))
        if due < today:
            result = rng.choice(_LATE_RESULTS)
        else:
            result = ("Đang triển khai: đã thực hiện " + f"{_vn(achieved)}/{_vn(target)} {unit}."
                      if target is not None and achieved is not None else "Đang triển khai theo kế hoạch.")
        updated_on = _clamp(today - _days(rng, 0, 20), start, today)
    elif status == TaskStatus.CANCELLED:
        result = _CANCELLED_RESULT
        updated_on = _clamp(start + _days(rng, 0, 20), _YEAR_START, today)
    created_day = min(_d(1, 20) - _days(rng, 0, 10), today)
    created = _stamp(created_day, rng)
    row = _record(ctx, created, _stamp(updated_on, rng) if updated_on else created)
    row.update({
        "plan_id": ctx.plan.id, "section_id": section_id, "position": positions.setdefault(section_id, 0),
        "content": content, "form": spec.form.value, "lead_unit_id": lead.id if lead else None,
        "supporting_unit_ids": supporting, "start_date": start, "due_date": due, "budget": budget,
        "indicator_unit": unit, "indicator_target": target, "status": status.value, "percent_done": percent,
        "indicator_achieved": achieved, "spent": spent, "result_text": result,
        "progress_updated_on": updated_on,
    })
    positions[section_id] += 1
    ctx.section_of_task[row["id"]] = section_id
    if spec.tag:
        ctx.task_ids_by_tag.setdefault(spec.tag, []).append(row["id"])
    return row


def _task_progress(rng: random.Random, spec: _TaskSpec, start: dt.date, due: dt.date,
                   today: dt.date) -> tuple[TaskStatus, int]:
    """Status and percent done of a task as of ``today``."""
    if spec.cancel and start <= today + dt.timedelta(days=30):
        return TaskStatus.CANCELLED, 0
    if due < today:
        if spec.late or rng.random() < 0.08:
            return TaskStatus.IN_PROGRESS, rng.randrange(30, 90, 5)
        return TaskStatus.DONE, 100
    if start > today:
        return TaskStatus.NOT_STARTED, 0
    elapsed = (today - start).days / max(1, (due - start).days)
    if elapsed < 0.1 and rng.random() < 0.5:
        return TaskStatus.NOT_STARTED, 0
    percent = round(min(95, max(5, elapsed * 100 + rng.uniform(-12, 8))) / 5) * 5
    return TaskStatus.IN_PROGRESS, int(percent)


def _supporting_units(ctx: _Context, spec: _TaskSpec, lead: ResponsibleUnit | None) -> list[str]:
    rng = ctx.rng
    count = rng.choice((0, 1, 2, 2, 3, 3))
    named = [ctx.units[c] for c in spec.support if c in ctx.units]
    picked: list[str] = []
    for _slot in range(count * 2):  # a few more draws than needed, duplicates are skipped
        if len(picked) >= count:
            break
        if "wards" in spec.support and ctx.ward_units and (not named or rng.random() < 0.65):
            unit = rng.choice(ctx.ward_units)
        elif named:
            unit = rng.choice(named)
        else:
            continue
        if unit.id not in picked and (lead is None or unit.id != lead.id):
            picked.append(unit.id)
    return picked


def _issue_plan(session: Session, ctx: _Context) -> None:
    """The plan as issued on 20 January: number 05, revision 1, its snapshot taken with its tasks."""
    plan = ctx.plan
    plan.number = "05"
    plan.issue_date = _d(1, 20)
    plan.status = PlanStatus.ISSUED.value
    plan.revision = 1
    session.flush()
    session.add(PlanRevision(
        plan_id=plan.id, unit_code=ctx.unit_code, number=1, reason="Ban hành lần đầu",
        issued_at=dt.datetime(DEMO_YEAR, 1, 20, 10, 0, tzinfo=_HANOI).astimezone(dt.UTC),
        issued_by=plan.signer_name, snapshot=build_snapshot(session, plan)))
    record_issue(session, unit_code=ctx.unit_code, kind=KIND_PLAN, period=str(plan.year), symbol=plan.symbol,
                 summary=plan.summary, details=IssueDetails(
                     number=5, issue_date=plan.issue_date, recipients=tuple(plan.recipients or ()),
                     signer_title=plan.signer_title, signer_name=plan.signer_name))


# ---- materials ------------------------------------------------------------------------------


def _weighted(rng: random.Random, items: list[Any], weights: list[int]) -> Callable[[], Any]:
    cumulative = list(itertools.accumulate(weights))
    return lambda: rng.choices(items, cum_weights=cumulative)[0]


def _place(ctx: _Context) -> tuple[str, str]:
    """(ward, ward kind) of a random ward, or ("", "") when the district's wards are unknown."""
    if not ctx.area.wards:
        return "", ""
    kind, name = ctx.rng.choice(ctx.area.wards)
    return name, kind


def _address(rng: random.Random, kind: MaterialType, ward: str, ward_kind: str) -> str:
    street = rng.choice(STREETS)
    other = rng.choice([s for s in STREETS if s != street])
    if not MATERIAL_KINDS[kind].hangs:
        return (f"Trụ sở UBND {ward_kind} {ward}" if ward and rng.random() < 0.6
                else f"Phát tới hộ gia đình, tuyến phố {street}")
    if kind in (MaterialType.LED_SCREEN, MaterialType.FRAME_SCREEN):
        return (f"Ngã tư {street} - {other}" if kind is MaterialType.LED_SCREEN
                else f"Sảnh tòa nhà số {rng.randint(1, 300)} {street}")
    choice = rng.random()
    if choice < 0.4:
        return f"Số {rng.randint(1, 350)} {street}"
    if choice < 0.65:
        return f"Ngã tư {street} - {other}"
    if choice < 0.8:
        return f"Tuyến phố {street} (đoạn từ số {rng.randint(1, 60)} đến số {rng.randint(61, 250)})"
    if ward:
        return f"Trụ sở UBND {ward_kind} {ward}"
    return f"Vỉa hè trước số {rng.randint(1, 350)} {street}"


def _make_materials(ctx: _Context, scale: int) -> Iterator[dict[str, Any]]:
    rng, today = ctx.rng, ctx.today
    pick_kind = _weighted(rng, list(MATERIAL_KINDS), [k.weight for k in MATERIAL_KINDS.values()])
    pick_campaign = _weighted(rng, list(CAMPAIGNS), [c.weight for c in CAMPAIGNS.values()])
    left_up = False  # one item at least is left up past its planned removal: the demo shows late removals
    for _index in range(MATERIALS_PER_SCALE * scale):
        kind: MaterialType = pick_kind()
        spec = MATERIAL_KINDS[kind]
        tag = pick_campaign()
        campaign = CAMPAIGNS[tag]
        if kind is MaterialType.LEAFLET:
            content = rng.choice(campaign.leaflets)
        elif kind is MaterialType.HANDBOOK:
            content = rng.choice(campaign.handbooks)
        elif kind is MaterialType.FLAG:
            content = rng.choice(campaign.flags)
        else:
            content = rng.choice(campaign.slogans)
        quantity = rng.randint(*spec.quantity)
        cost = round(quantity * rng.randint(*spec.unit_cost) * 1000, -3)
        ward, ward_kind = _place(ctx)
        address = _address(rng, kind, ward, ward_kind)

        span = (campaign.plan_to - campaign.plan_from).days
        planned = min(campaign.plan_from + _days(rng, 0, span), today)
        produced = planned + _days(rng, 4, 15)
        installed = produced + _days(rng, 1, 6)
        removal = _clamp(campaign.removal + _days(rng, 0, 6), installed + dt.timedelta(days=7), _YEAR_END)
        dates: dict[str, dt.date | None] = dict.fromkeys(
            ("planned_on", "produced_on", "installed_on", "removed_on", "damaged_on", "replaced_on",
             "planned_removal_on"))
        dates["planned_on"] = planned
        status = MaterialStatus.PLANNED
        if produced <= today:
            status, dates["produced_on"] = MaterialStatus.PRODUCED, produced
        if installed <= today:
            status, dates["installed_on"] = MaterialStatus.INSTALLED, installed
        if spec.hangs:
            dates["planned_removal_on"] = removal
            if status is MaterialStatus.INSTALLED:
                status = _after_installation(rng, dates, installed, removal, today, keep_up=not left_up)
                left_up = left_up or (status is MaterialStatus.INSTALLED and removal < today)
        supplier = rng.choice(SUPPLIERS) if status is not MaterialStatus.PLANNED or rng.random() < 0.5 else ""
        notes = ""
        if rng.random() < 0.18:
            notes = rng.choice(_MATERIAL_NOTES[status]).format(ward_kind=f"{ward_kind} {ward}".strip() or "phường")
        section_id = ctx.section_id(campaign.section)
        task_ids = ctx.task_ids_by_tag.get(tag)
        task_id = ctx.task_under(rng.choice(task_ids) if task_ids and rng.random() < 0.5 else None, section_id)
        last_day = max(d for key, d in dates.items() if d is not None and key != "planned_removal_on")
        row = _record(ctx, _stamp(planned, rng), _stamp(last_day, rng))
        row.update(dates)
        size = rng.choice(spec.sizes)
        row.update({
            "plan_id": ctx.plan.id, "section_id": section_id, "task_id": task_id, "type": kind.value,
            "content": content, "quantity": quantity, "size": size, "ward": ward,
            "address": address, "status": status.value, "cost": int(cost), "supplier": supplier, "notes": notes,
            "search_key": material_search_key(MaterialInput(type=kind.value, content=content, size=size, ward=ward,
                                                            address=address, supplier=supplier, notes=notes)),
        })
        yield row


def _after_installation(rng: random.Random, dates: dict[str, dt.date | None], installed: dt.date,
                        removal: dt.date, today: dt.date, *, keep_up: bool) -> MaterialStatus:
    """Removed, still up (maybe late), damaged or replaced, as of ``today``."""
    if removal <= today:
        if keep_up and removal < today:
            return MaterialStatus.INSTALLED
        if rng.random() < 0.88:
            dates["removed_on"] = _clamp(removal + _days(rng, -2, 4), installed, today)
            return MaterialStatus.REMOVED
        return MaterialStatus.INSTALLED  # left up past its planned removal
    if (today - installed).days > 20 and rng.random() < 0.08:
        damaged = installed + _days(rng, 10, (today - installed).days)
        dates["damaged_on"] = damaged
        if (today - damaged).days > 3 and rng.random() < 0.5:
            dates["replaced_on"] = damaged + _days(rng, 2, min(12, (today - damaged).days))
            return MaterialStatus.REPLACED
        return MaterialStatus.DAMAGED
    return MaterialStatus.INSTALLED


# ---- events ---------------------------------------------------------------------------------


def _make_events(ctx: _Context, scale: int) -> Iterator[dict[str, Any]]:
    rng, today, area = ctx.rng, ctx.today, ctx.area
    organisers = {code: unit.name for code, unit in ctx.units.items()}
    for copy in range(1, scale + 1):
        for spec in EVENTS:
            starts, ends = spec.starts, spec.ends
            if copy > 1:
                length = (ends - starts) if ends else dt.timedelta(0)
                starts = _clamp(starts + _days(rng, -45, 45), _YEAR_START, _YEAR_END - length)
                ends = starts + length if ends else None
            ward, ward_kind = _place(ctx) if spec.at_ward else ("", "")
            venue = area.fill(spec.venue.replace("{ward}", ward or "").replace("{ward_kind}", ward_kind or ""))
            venue = " ".join(venue.split()) if ward or not spec.at_ward else area.fill(_CENTRE)
            title = area.fill(spec.title) + (f" (đợt {copy})" if scale > 1 else "")
            organiser = organisers.get(spec.organiser) or organisers.get("vhtt", "")
            expected = max(10, int(round(spec.participants * rng.uniform(0.8, 1.2), -1)))
            budget = _money(rng, *spec.budget)
            status = _event_status(rng, spec, starts, ends, today, copy)
            actual: int | None = None
            actual_cost: int | None = None
            notes = ""
            if status is EventStatus.HELD:
                actual = int(round(expected * rng.uniform(0.85, 1.15), -1 if expected >= 50 else 0))
                actual_cost = int(round(budget * rng.uniform(0.85, 1.0), -4))
                if spec.notes and not (copy > 1 and rng.random() < 0.12):
                    template = spec.result or rng.choice(_HELD_RESULTS)
                    notes = area.fill(template.replace("{actual}", _vn(actual)))
            elif status in (EventStatus.POSTPONED, EventStatus.CANCELLED):
                notes = spec.result if spec.status is status else (
                    "Tạm hoãn theo chỉ đạo phòng, chống dịch COVID-19." if status is EventStatus.POSTPONED
                    else "Không tổ chức theo chỉ đạo phòng, chống dịch COVID-19.")
            task_ids = ctx.task_ids_by_tag.get(spec.tag) if spec.tag else None
            created_day = _clamp(starts - _days(rng, 20, 45), _YEAR_START, today)
            updated_day = created_day
            if status is EventStatus.HELD:  # results written in the days after
                updated_day = min((ends or starts) + _days(rng, 0, 3), today)
            elif status in (EventStatus.POSTPONED, EventStatus.CANCELLED):
                updated_day = _clamp(starts - _days(rng, 1, 10), created_day, today)
            row = _record(ctx, _stamp(created_day, rng), _stamp(updated_day, rng))
            row.update({
                "plan_id": ctx.plan.id, "section_id": ctx.section_id(spec.section),
                "task_id": ctx.task_under(rng.choice(task_ids) if task_ids else None, ctx.section_id(spec.section)),
                "type": spec.type.value, "title": title,
                "starts_on": starts, "ends_on": ends, "venue": venue, "ward": ward, "organiser": organiser,
                "expected_participants": expected, "actual_participants": actual, "budget": budget,
                "actual_cost": actual_cost, "status": status.value, "result_notes": notes,
                "search_key": event_search_key(EventInput(type=spec.type.value, title=title, starts_on=starts,
                                                          venue=venue, ward=ward, organiser=organiser,
                                                          result_notes=notes)),
            })
            yield row


def _event_status(rng: random.Random, spec: _EventSpec, starts: dt.date, ends: dt.date | None, today: dt.date,
                  copy: int) -> EventStatus:
    last = ends or starts
    if copy == 1 and spec.status in (EventStatus.POSTPONED, EventStatus.CANCELLED) and starts <= today + _week():
        return spec.status
    if last < today:
        if copy > 1 and rng.random() < 0.08:
            return rng.choice((EventStatus.POSTPONED, EventStatus.CANCELLED))
        return EventStatus.HELD
    if starts <= today:  # under way
        return EventStatus.CONFIRMED
    if copy == 1 and spec.status is EventStatus.CONFIRMED:
        return EventStatus.CONFIRMED
    return EventStatus.CONFIRMED if (starts - today).days <= 14 and rng.random() < 0.5 else EventStatus.PLANNED


def _week() -> dt.timedelta:
    return dt.timedelta(days=7)
