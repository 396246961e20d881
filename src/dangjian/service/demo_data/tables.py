"""The generator step's reference tables: departments, categories and their weights, sources, hours, texts."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from dangjian.service.choices import (
    RequestAction,
    RequestSource,
    RequestState,
    ServiceMode,
    TimeLimitUnit,
)
from dangjian.service.services import RESIDENT_NAME

YEARS = 5
BATCH = 5000
# Requests over the five years per district of 700,000 residents.
REQUESTS_PER_DISTRICT = 1_000_000
DISTRICT_RESIDENTS = 700_000
FULL_TIMELINE_DAYS = 365
OPEN_WINDOW_DAYS = 14
REJECT_SHARE = 0.02
RATED_SHARE = 0.70
PHONE_POOL = 500
ONE_DAY = datetime.timedelta(days=1)
ONE_HOUR = datetime.timedelta(hours=1)
ONE_MINUTE = datetime.timedelta(minutes=1)

# Plain strings (enum member access costs in a loop over a million requests).
S = SimpleNamespace(**{member.name: member.value for member in RequestState})
A = SimpleNamespace(**{member.name: member.value for member in RequestAction})
WD, WH, CD = TimeLimitUnit.WORKING_DAYS, TimeLimitUnit.WORKING_HOURS, TimeLimitUnit.CALENDAR_DAYS
ORD, ON_BEHALF, ASSISTED = ServiceMode.ORDINARY, ServiceMode.ON_BEHALF, ServiceMode.ASSISTED
ACCOMPANIED, APPOINTMENT = ServiceMode.ACCOMPANIED, ServiceMode.BY_APPOINTMENT

# (code suffix, name, report limit in working hours)
DEPARTMENTS = [
    ("CG", "城管执法局", 4),
    ("PCS", "派出所", 2),
    ("SCJG", "市场监管所", 8),
    ("ZJW", "住建委", 8),
    ("SW", "水务局", 4),
    ("GD", "供电公司", 4),
    ("MZ", "民政局", 8),
]
# Handlers of leaves: a department code, "community" (the community's 党委 handles it) or
# "branch" (the grid's 党支部, members handle it on the resident's behalf).
# (code, name, limit, unit, mode, public, handler, weight, season, description)
Leaf = tuple[str, str, int, str, str, bool, str, float, str, str]
# fmt: off
CATEGORIES: list[tuple[str, str, list[Leaf]]] = [
    (
        "SR",
        "市容环境",
        [
            ("SR01", "占道经营", 3, WD, ORD, True, "CG", 5, "", "小区门口有流动摊贩占道经营，影响通行。"),
            ("SR02", "乱堆乱放", 3, WD, ORD, True, "community", 6, "", "楼道和绿地旁堆放杂物，存在安全隐患。"),
            ("SR03", "违章搭建", 7, WD, ORD, True, "CG", 2, "", "有住户在楼顶私自搭建彩钢房。"),
            ("SR04", "户外广告", 5, WD, ORD, True, "CG", 1, "", "临街商铺广告牌松动，刮风时有坠落危险。"),
        ],
    ),
    (
        "HW",
        "环境卫生",
        [
            ("HW01", "垃圾清运", 3, WD, ORD, True, "branch", 8, "", "垃圾桶已满多日未清运，气味很大。"),
            ("HW02", "公厕保洁", 3, WD, ORD, True, "community", 2, "", "公共厕所保洁不及时，地面湿滑。"),
            ("HW03", "垃圾分类", 5, WD, ORD, True, "community", 3, "", "分类垃圾桶混投严重，希望加强督导。"),
            ("HW04", "病媒防治", 5, WD, ORD, True, "community", 1, "summer", "地下室蚊虫老鼠较多，请求消杀。"),
        ],
    ),
    (
        "SZ",
        "市政设施",
        [
            ("SZ01", "路灯维修", 8, WH, ORD, True, "CG", 4, "", "路灯不亮，晚上出行不安全。"),
            ("SZ02", "道路破损", 7, WD, ORD, True, "ZJW", 3, "", "路面坑洼破损，电动车经过容易摔倒。"),
            ("SZ03", "井盖缺失", 8, WH, ORD, True, "SW", 1, "", "人行道上井盖缺失，已用锥桶临时围挡。"),
            ("SZ04", "积水排水", 3, WD, ORD, True, "SW", 2, "rain", "下雨后路口积水严重，排水不畅。"),
        ],
    ),
    (
        "WY",
        "物业管理",
        [
            ("WY01", "停水", 8, WH, ORD, True, "SW", 3, "", "楼栋突然停水，没有接到任何通知。"),
            ("WY02", "停电", 8, WH, ORD, True, "GD", 2, "summer", "单元楼停电，家中有老人需要用电。"),
            ("WY03", "电梯故障", 3, WD, ORD, True, "SCJG", 2, "", "电梯经常停运，老人上下楼困难。"),
            ("WY04", "物业服务", 5, WD, ORD, True, "ZJW", 5, "", "物业对报修长期不处理，请求协调。"),
            ("WY05", "供暖问题", 3, WD, ORD, True, "ZJW", 3, "winter", "家中暖气不热，室温不到十八度。"),
        ],
    ),
    (
        "MS",
        "民生服务",
        [
            ("MS01", "独居老人紧急求助", 1, CD, ON_BEHALF, False, "branch", 1, "", "独居老人电话无人接听，请网格员上门查看。"),
            ("MS02", "证明开具", 3, WD, ON_BEHALF, True, "community", 4, "", "需要开具居住证明，行动不便请求代办。"),
            ("MS03", "社保医保代办", 5, WD, ON_BEHALF, True, "community", 3, "", "请求协助办理医保报销手续。"),
            ("MS04", "助残帮扶", 7, WD, ASSISTED, True, "MZ", 1, "", "残疾人家庭申请无障碍改造补贴，请求帮办。"),
            ("MS05", "就医陪诊", 5, WD, ACCOMPANIED, True, "branch", 1, "", "独居老人需要去医院复查，请求陪同。"),
            ("MS06", "预约上门服务", 5, WD, APPOINTMENT, True, "branch", 2, "", "预约上门办理老年卡年检。"),
        ],
    ),
    (
        "ZA",
        "社会治安",
        [
            ("ZA01", "噪音扰民", 3, WD, ORD, True, "PCS", 4, "summer", "夜间楼下商铺音响声音太大，影响休息。"),
            ("ZA02", "治安隐患", 3, WD, ORD, True, "PCS", 1, "", "小区门禁损坏，陌生人随意进出。"),
            ("ZA03", "消防通道堵塞", 1, CD, ORD, True, "PCS", 2, "", "消防通道被私家车长期占用。"),
            ("ZA04", "群租房", 7, WD, ORD, False, "PCS", 1, "", "楼内有群租房，人员进出频繁。"),
            ("ZA05", "食品安全", 5, WD, ORD, True, "SCJG", 1, "", "附近餐馆后厨卫生条件差。"),
        ],
    ),
    (
        "JF",
        "矛盾纠纷",
        [
            ("JF01", "邻里纠纷", 7, WD, ORD, True, "community", 3, "", "楼上漏水到楼下，双方协商不成。"),
            ("JF02", "物业纠纷", 7, WD, ORD, True, "community", 2, "", "业主与物业因收费问题发生争执。"),
            ("JF03", "劳资纠纷", 7, WD, ORD, False, "community", 1, "", "装修工人被拖欠工资，请求调解。"),
            ("JF04", "家庭矛盾", 7, WD, ORD, False, "community", 1, "", "家庭成员因赡养问题发生矛盾。"),
        ],
    ),
    (
        "ZC",
        "政策咨询",
        [
            ("ZC01", "社保政策", 3, WD, ORD, True, "community", 2, "", "咨询灵活就业人员社保缴费政策。"),
            ("ZC02", "住房政策", 5, WD, ORD, True, "ZJW", 1, "", "咨询公租房申请条件和流程。"),
            ("ZC03", "养老政策", 3, WD, ORD, True, "MZ", 1, "", "咨询高龄津贴的申领办法。"),
            ("ZC04", "其他咨询", 3, WD, ORD, True, "community", 2, "", "咨询社区活动室的开放时间。"),
        ],
    ),
]
# fmt: on
# Categories whose requests are shown publicly (redacted, place coarsened): the public-space
# groups and leaves, as the data migration service/0008 marks an existing tree. 助残帮扶, 邻里纠纷,
# family, health and personal matters stay private.
PUBLIC_SPACE_GROUPS = {"SR", "HW", "SZ"}
PUBLIC_SPACE_LEAVES = {"ZA03"}
SEASONS = {
    "": [1.0] * 12,
    "summer": [0.3, 0.3, 0.5, 0.8, 1.2, 1.8, 2.2, 2.2, 1.5, 0.8, 0.4, 0.3],
    "rain": [0.1, 0.1, 0.3, 0.6, 1.0, 2.0, 3.5, 3.0, 1.0, 0.4, 0.2, 0.1],
    "winter": [3.0, 2.5, 1.5, 0.2, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 2.5, 3.0],
}
# Shares of the sources on working days and on other days; their hours of the day.
SOURCES_WORKDAY = [
    (RequestSource.PORTAL, 28),
    (RequestSource.PATROL, 25),
    (RequestSource.HOTLINE, 12),
    (RequestSource.HOTLINE_12345, 22),
    (RequestSource.WALK_IN, 9),
    (RequestSource.MAILBOX, 4),
]
SOURCES_HOLIDAY = [
    (RequestSource.PORTAL, 40),
    (RequestSource.PATROL, 10),
    (RequestSource.HOTLINE, 18),
    (RequestSource.HOTLINE_12345, 30),
    (RequestSource.WALK_IN, 1),
    (RequestSource.MAILBOX, 1),
]
OFFICE_SOURCES = {RequestSource.PATROL, RequestSource.WALK_IN, RequestSource.MAILBOX}
PHONE_SOURCES = {RequestSource.PORTAL, RequestSource.HOTLINE, RequestSource.HOTLINE_12345}
# Hours of the day residents report in (weights for 0..23).
EVENING_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 4, 6, 8, 8, 7, 7, 6, 6, 6, 7, 7, 8, 10, 10, 8, 5, 2]
SOURCE_NAMES = {
    RequestSource.PORTAL: RESIDENT_NAME,
    RequestSource.PATROL: "网格员",
    RequestSource.HOTLINE: "热线坐席",
    RequestSource.HOTLINE_12345: "12345转办",
    RequestSource.WALK_IN: "窗口工作人员",
    RequestSource.MAILBOX: "信箱登记员",
}
# Open requests of the last two weeks: which state they have reached (weights).
OPEN_STATES_MIX = [
    (S.REPORTED, 10),
    (S.ACCEPTED, 8),
    (S.DISPATCHED, 15),
    (S.IN_PROGRESS, 30),
    (S.FEEDBACK, 12),
    (S.RETURNED, 4),
    (S.SUSPENDED, 5),
]
STAGES = [S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.FEEDBACK]
RATINGS_ON_TIME = [
    ("very_satisfied", 58),
    ("satisfied", 32),
    ("basically_satisfied", 6.5),
    ("dissatisfied", 2.5),
    ("very_dissatisfied", 1),
]
RATINGS_LATE = [
    ("very_satisfied", 25),
    ("satisfied", 35),
    ("basically_satisfied", 20),
    ("dissatisfied", 13),
    ("very_dissatisfied", 7),
]
BAD_COMMENTS = ["处理太慢，问题拖了很久。", "问题没有彻底解决，过几天又出现了。", "工作人员态度一般。"]
GOOD_COMMENTS = ["", "", "", "处理及时，非常感谢！", "网格员很负责。", "态度很好，问题解决了。"]
RESULTS = [
    "已到现场核实并处理完毕，已电话告知居民。",
    "已协调相关单位处置，问题已解决。",
    "已上门办理完毕，居民表示认可。",
    "已安排人员维修，现场已恢复正常。",
]
REJECT_REASONS = [
    "经核实不属于本平台受理范围，已告知居民通过法律途径解决。",
    "重复上报，已与原诉求合并处理。",
    "反映内容不具体且无法联系上报人，暂不受理。",
]
SUSPEND_REASONS = ["需等待产权单位出具意见，暂时挂起。", "居民外出，约定返回后再上门处置。"]
RETURN_REASONS = ["该事项不属于本单位职责，请重新分派。", "地址不在本单位辖区。"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
