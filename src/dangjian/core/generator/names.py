"""Word lists for realistic generated data: surnames by frequency, given names, places and units.

The surname weights follow the order of the national household-register ranking (王, 李, 张 …);
曾, 单 and 解 are included on purpose because their name readings differ from the common ones.
"""

from __future__ import annotations

import random

# (surname, relative weight): the head of the national ranking, then a long tail.
SURNAMES: list[tuple[str, int]] = [
    ("王", 720),
    ("李", 710),
    ("张", 680),
    ("刘", 520),
    ("陈", 460),
    ("杨", 330),
    ("黄", 250),
    ("赵", 230),
    ("吴", 210),
    ("周", 200),
    ("徐", 150),
    ("孙", 140),
    ("马", 130),
    ("朱", 120),
    ("胡", 115),
    ("郭", 110),
    ("何", 100),
    ("林", 95),
    ("高", 95),
    ("罗", 90),
    ("郑", 90),
    ("梁", 85),
    ("谢", 70),
    ("宋", 65),
    ("唐", 65),
    ("许", 60),
    ("韩", 58),
    ("冯", 57),
    ("邓", 56),
    ("曹", 55),
    ("彭", 52),
    ("曾", 50),
    ("肖", 50),
    ("田", 48),
    ("董", 47),
    ("袁", 45),
    ("潘", 44),
    ("于", 44),
    ("蒋", 43),
    ("蔡", 42),
    ("余", 42),
    ("杜", 41),
    ("叶", 40),
    ("程", 40),
    ("苏", 39),
    ("魏", 38),
    ("吕", 37),
    ("丁", 36),
    ("任", 35),
    ("沈", 34),
    ("姚", 33),
    ("卢", 33),
    ("姜", 32),
    ("崔", 31),
    ("钟", 30),
    ("谭", 29),
    ("陆", 28),
    ("汪", 27),
    ("范", 27),
    ("金", 26),
    ("石", 26),
    ("廖", 25),
    ("贾", 25),
    ("夏", 24),
    ("韦", 23),
    ("付", 23),
    ("方", 22),
    ("白", 22),
    ("邹", 21),
    ("孟", 21),
    ("熊", 20),
    ("秦", 20),
    ("邱", 19),
    ("江", 19),
    ("尹", 18),
    ("薛", 18),
    ("闫", 17),
    ("段", 17),
    ("雷", 16),
    ("侯", 16),
    ("龙", 15),
    ("史", 15),
    ("陶", 14),
    ("黎", 14),
    ("贺", 13),
    ("顾", 13),
    ("毛", 12),
    ("郝", 12),
    ("龚", 11),
    ("邵", 11),
    ("万", 10),
    ("钱", 10),
    ("严", 9),
    ("覃", 8),
    ("武", 8),
    ("戴", 8),
    ("单", 6),
    ("解", 5),
    ("翟", 4),
    ("欧阳", 3),
    ("司马", 1),
]

MALE_GIVEN = [
    "伟",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "帅",
    "旭",
    "宁",
    "龙",
    "林",
    "国",
    "建",
    "志",
    "文",
    "海",
    "永",
    "庆",
    "东",
    "成",
    "新",
    "春",
    "德",
    "福",
    "宏",
    "立",
    "振",
    "家",
    "晨",
    "阳",
    "博",
    "子",
    "轩",
    "然",
    "睿",
    "泽",
    "翔",
    "晓",
    "峰",
    "亮",
    "斌",
]
FEMALE_GIVEN = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "秀",
    "玲",
    "桂",
    "英",
    "红",
    "梅",
    "琳",
    "燕",
    "萍",
    "雪",
    "慧",
    "颖",
    "倩",
    "婷",
    "洁",
    "佳",
    "琴",
    "云",
    "莉",
    "兰",
    "凤",
    "丹",
    "欣",
    "怡",
    "萱",
    "涵",
    "悦",
    "雯",
    "晶",
    "璐",
    "思",
    "雨",
    "月",
    "瑶",
    "佩",
    "淑",
    "珍",
    "蓉",
    "凤",
    "金",
    "玉",
    "春",
    "晓",
    "彤",
    "诗",
    "梦",
]

ETHNICITIES: list[tuple[str, int]] = [
    ("汉族", 940),
    ("回族", 18),
    ("满族", 16),
    ("蒙古族", 6),
    ("朝鲜族", 4),
    ("壮族", 4),
    ("土家族", 3),
    ("苗族", 3),
    ("维吾尔族", 2),
    ("藏族", 2),
    ("彝族", 2),
]

DISTRICTS: list[tuple[str, str]] = [
    ("110105", "东湖区"),
    ("110106", "西山区"),
    ("110107", "南苑区"),
    ("110108", "北塘区"),
    ("110109", "青山区"),
    ("110111", "长安区"),
    ("110112", "新华区"),
    ("110113", "滨江区"),
    ("110114", "金水区"),
    ("110115", "和平区"),
]

# Streets are named after roads (建国路街道, 朝阳门街道) or after places, which take 街道 alone
# (麦子店街道, not 麦子店门街道).
ROAD_STEMS = [
    "建国",
    "和平",
    "朝阳",
    "东风",
    "解放",
    "人民",
    "中山",
    "新华",
    "长安",
    "光明",
    "文化",
    "胜利",
    "团结",
    "劲松",
    "望京",
    "安贞",
    "双井",
    "小关",
    "德胜",
    "展览",
    "月坛",
    "广安",
    "天桥",
    "龙潭",
]
PLACE_STEMS = [
    "呼家楼",
    "八里庄",
    "麦子店",
    "和平里",
    "安定门",
    "交道口",
    "南磨房",
    "潘家园",
    "三里屯",
    "左家庄",
    "亚运村",
    "奥运村",
    "酒仙桥",
    "六里屯",
    "将台",
    "平房",
]
STREET_STEMS = ROAD_STEMS + PLACE_STEMS
ROAD_SUFFIXES = ["街道", "路街道", "门街道", "桥街道", "里街道"]

COMMUNITY_STEMS = [
    "幸福",
    "和平",
    "光明",
    "团结",
    "友谊",
    "建设",
    "新华",
    "朝阳",
    "阳光",
    "金台",
    "安华",
    "锦绣",
    "紫竹",
    "青年",
    "东风",
    "花园",
    "枣营",
    "丽都",
    "芳草",
    "水岸",
    "康乐",
    "怡和",
    "翠微",
    "松榆",
    "柳芳",
    "樱花",
    "百合",
    "春晖",
    "秀水",
    "景泰",
    "安苑",
    "裕民",
    "惠新",
    "华严",
    "育新",
    "清河",
    "永泰",
    "龙泽",
    "望春",
    "南湖",
]
COMMUNITY_SUFFIXES = ["里", "家园", "园", "苑", "北里", "南里", "东里", "西里", "小区", "新村", "花园"]

PRIVATE_ENTERPRISES = [
    "华信科技有限公司",
    "恒通物流有限公司",
    "嘉和物业服务有限公司",
    "新锐软件有限公司",
    "天成建设工程有限公司",
    "瑞丰食品有限公司",
    "博远教育科技有限公司",
    "安居房地产经纪有限公司",
    "鼎盛商贸有限公司",
    "众合餐饮管理有限公司",
    "宏达汽车服务有限公司",
    "信诚会计师事务所",
    "明德律师事务所",
    "康宁医疗器械有限公司",
    "联创电子有限公司",
]
SOCIAL_ORGANIZATIONS = [
    "社区社会工作服务中心",
    "志愿者协会",
    "老年人协会",
    "慈善协会",
    "青少年服务中心",
    "养老服务中心",
    "文化艺术协会",
    "体育健身协会",
    "家庭服务协会",
    "心理咨询服务中心",
]
GOVERNMENT_UNITS = [
    "街道办事处",
    "城市管理办公室",
    "社区服务中心",
    "综合执法队",
    "市场监管所",
    "派出所",
    "司法所",
    "社保所",
    "财政所",
]
PUBLIC_INSTITUTIONS = [
    "社区卫生服务中心",
    "第一小学",
    "第二中学",
    "文化活动中心",
    "图书馆",
    "养老院",
    "幼儿园",
    "体育中心",
]

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(value: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (enough for grid numbers)."""
    if value < 10:
        return CHINESE_DIGITS[value]
    tens, ones = divmod(value, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


class NamePicker:
    """Draws surnames, given names and ethnicities from fixed weighted lists with one seeded RNG."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [name for name, _ in SURNAMES]
        self._surname_cum = _cumulative([weight for _, weight in SURNAMES])
        self._ethnicities = [name for name, _ in ETHNICITIES]
        self._ethnicity_cum = _cumulative([weight for _, weight in ETHNICITIES])

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._surname_cum)[0]

    def given(self, gender: str) -> str:
        pool = MALE_GIVEN if gender == "male" else FEMALE_GIVEN
        if self.rng.random() < 0.35:
            return self.rng.choice(pool)
        return self.rng.choice(pool) + self.rng.choice(pool)

    def full_name(self, gender: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(gender)

    def ethnicity(self) -> str:
        return self.rng.choices(self._ethnicities, cum_weights=self._ethnicity_cum)[0]


def _cumulative(weights: list[int]) -> list[int]:
    total = 0
    result = []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def street_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct street names, road-based and place-based mixed."""
    combos = [stem + suffix for stem in ROAD_STEMS for suffix in ROAD_SUFFIXES]
    combos += [stem + "街道" for stem in PLACE_STEMS]
    rng.shuffle(combos)
    # One name per stem first (建国路街道 and 建国门街道 in one district would confuse people).
    seen: set[str] = set()
    first = [name for name in combos if name[:2] not in seen and not seen.add(name[:2])]
    rest = [name for name in combos if name not in first]
    return (first + rest)[:count]


def unique_names(rng: random.Random, stems: list[str], suffixes: list[str], count: int) -> list[str]:
    """``count`` distinct stem+suffix names in a seeded order (stems first, so names vary)."""
    # 和平里 + 里街道 would read 和平里里街道: skip suffixes that repeat the stem's last character.
    combos = [stem + suffix for suffix in suffixes for stem in stems if stem[-1] != suffix[0]]
    if count > len(combos):
        combos += [f"{name}{index}" for index in range(2, 2 + count // len(combos) + 1) for name in combos]
    rng.shuffle(combos)
    seen: set[str] = set()
    result: list[str] = []
    for name in combos:
        if name not in seen:
            seen.add(name)
            result.append(name)
        if len(result) == count:
            break
    return result
