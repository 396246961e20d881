"""The one table of the articles the platform cites, as DOMAIN.md has them (checked there against
the published texts). Code, data, messages, templates and docs may cite only these articles;
``tests/test_citations.py`` scans the sources and fails on any other, and
``docs/members-and-life.md`` shows this table. Where an article is not confirmed, the document is
cited without a number and nothing is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Documents by key, with the words that name each of them in the sources (Chinese and English).
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "细则": ("《中国共产党发展党员工作细则》（2014，中办发〔2014〕33号）", ("发展党员工作细则", "细则")),
    "党章": ("《中国共产党章程》", ("党章", "章程", "Party Constitution")),
    "支部工作条例": ("《中国共产党支部工作条例（试行）》（2018）", ("支部工作条例",)),
    "选举工作条例": ("《中国共产党基层组织选举工作条例》（2020）", ("选举工作条例", "选举条例")),
    "机关基层组织工作条例": ("《党和国家机关基层组织工作条例》", ("机关基层组织工作条例",)),
    "志愿服务记录办法": ("民政部《志愿服务记录与证明出具办法（试行）》", ("志愿服务记录与证明出具办法",)),
}


@dataclass(frozen=True)
class Citation:
    document: str  # a key of DOCUMENTS
    article: str  # 第…条
    says: str  # what the platform relies on it for, as DOMAIN.md has it


CITATIONS: dict[str, Citation] = {
    citation_key: Citation(*fields)
    for citation_key, fields in {
        "细则5": ("细则", "第五条", "入党申请人须年满十八岁"),
        "细则7": ("细则", "第七条", "收到入党申请书后一个月内派人谈话"),
        "细则8": ("细则", "第八条", "入党积极分子经党员推荐、群团推优，由支部委员会确定，报上级党委备案"),
        "细则9": ("细则", "第九条", "一至两名正式党员作入党积极分子的培养联系人"),
        "细则11": ("细则", "第十一条", "党支部每半年对入党积极分子进行一次考察"),
        "细则13": (
            "细则",
            "第十三条",
            "经过一年以上培养教育和考察，由支部委员会确定为发展对象，报上级党委备案",
        ),
        "细则14": ("细则", "第十四条", "发展对象须有两名正式党员作入党介绍人（不在留党察看期内）"),
        "细则16": ("细则", "第十六条", "对发展对象进行政治审查"),
        "细则17": ("细则", "第十七条", "短期集中培训一般不少于三天或二十四个学时"),
        "细则19": ("细则", "第十九条", "支部委员会审查，上级党委预审"),
        "细则20": ("细则", "第二十条", "支部大会有表决权的到会人数须超过应到会有表决权人数的半数"),
        "细则21": (
            "细则",
            "第二十一条",
            "赞成人数超过应到会有表决权的正式党员的半数；因故不能到会的有表决权的党员会前提交的书面意见统计在票数内",
        ),
        "细则32": (
            "细则",
            "第三十二条",
            "预备期一年，自支部大会通过之日算起；可延长一次，不少于半年、不超过一年，或取消预备党员资格",
        ),
        "细则33": ("细则", "第三十三条", "预备期满，支部大会讨论转正，到会与表决要求同接收预备党员"),
        "细则34": ("细则", "第三十四条", "上级党委在三个月内审批转正"),
        "细则36": (
            "细则",
            "第三十六条",
            "转入的预备党员，转正讨论可推迟，最长不超过六个月；转正时间仍自预备期满之日算起",
        ),
        "党章6": ("党章", "第六条", "入党宣誓"),
        "党章7": ("党章", "第七条", "预备期为一年；党龄自转为正式党员之日算起"),
        "党章9": ("党章", "第九条", "党员没有正当理由连续六个月不交纳党费，被认为是自行脱党"),
        "支部工作条例4": (
            "支部工作条例",
            "第四条",
            "正式党员三人以上成立党支部；党支部党员人数一般不超过五十人",
        ),
        "支部工作条例5": ("支部工作条例", "第五条", "联合党支部覆盖单位一般不超过五个"),
        "支部工作条例11": (
            "支部工作条例",
            "第十一条",
            "支部党员大会一般每季度召开一次；表决须超过半数有表决权的党员到会，赞成人数超过应到会有表决权党员的半数",
        ),
        "支部工作条例12": (
            "支部工作条例",
            "第十二条",
            "支部委员会会议一般每月召开一次，须有半数以上委员到会",
        ),
        "支部工作条例13": ("支部工作条例", "第十三条", "党小组会一般每月召开一次"),
        "支部工作条例16": ("支部工作条例", "第十六条", "主题党日一般每月开展一次"),
        "支部工作条例20": ("支部工作条例", "第二十条", "正式党员七人以上的党支部设立支部委员会"),
        "支部工作条例21": ("支部工作条例", "第二十一条", "支部委员会选举产生书记、副书记，报上级党组织批准"),
        "选举工作条例5": (
            "选举工作条例",
            "第五条",
            "正式党员有表决权、选举权和被选举权；受留党察看处分的党员没有",
        ),
        "机关基层组织工作条例5": ("机关基层组织工作条例", "第五条", "基层党委每届任期五年"),
        "志愿服务记录办法4": (
            "志愿服务记录办法",
            "第四条",
            "志愿服务记录的内容：基本信息、服务情况、培训、表彰奖励、评价",
        ),
    }.items()
}

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def article_number(article: str) -> int:
    """``第三十六条`` → 36 (articles up to 第九十九条)."""
    text = article.removeprefix("第").removesuffix("条")
    if "十" not in text:
        return CHINESE_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)


def article_text(number: int) -> str:
    """36 → ``第三十六条``."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return f"第{digits[number]}条"
    tens, ones = divmod(number, 10)
    return f"第{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}条"


def is_listed(document: str, article: str) -> bool:
    return any(c.document == document and c.article == article for c in CITATIONS.values())


def markdown_table() -> str:
    """The table as docs/members-and-life.md shows it."""
    lines = ["| key | document | article | what it says |", "|---|---|---|---|"]
    for key, citation in CITATIONS.items():
        lines.append(
            f"| `{key}` | {DOCUMENTS[citation.document][0]} | {citation.article} | {citation.says} |"
        )
    return "\n".join(lines)
