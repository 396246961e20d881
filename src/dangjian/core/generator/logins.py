"""The demo logins printed after ``dangjian demo``; importable before Django is set up."""

from __future__ import annotations

DEMO_PASSWORD = "dangjian-demo-2026"

# (role label, username, password, what they see): printed after `dangjian demo`.
DEMO_LOGINS: list[tuple[str, str, str, str]] = [
    ("系统管理员", "admin", DEMO_PASSWORD, "全部数据与系统设置"),
    ("区委组织部管理员", "zzb_admin", DEMO_PASSWORD, "全区的党组织、网格、党员和居民，可查看完整个人信息"),
    ("街道党工委书记", "jd_shuji", DEMO_PASSWORD, "本街道的党组织、社区、网格和人员"),
    ("社区党委书记", "sq_shuji", DEMO_PASSWORD, "本社区的党组织、网格、党员和居民"),
    ("网格长", "wgy", DEMO_PASSWORD, "本网格的楼栋和居民"),
    (
        "职能部门办事人员",
        "bm_handler",
        DEMO_PASSWORD,
        "城管执法局派来的诉求（办理队列）；全区的组织和网格结构，不含个人信息",
    ),
    ("党员", "dangyuan", DEMO_PASSWORD, "所在党支部和网格的基本信息"),
    ("居民", "jumin", DEMO_PASSWORD, "居民服务页面，没有管理权限"),
    ("入党积极分子", "shenqingren", DEMO_PASSWORD, "“我的”：本人的发展进程和下一步"),
]
