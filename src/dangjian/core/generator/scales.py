"""The named data scales (DESIGN.md, "Scale"): what one district looks like, and how many districts.

The district figures are the ones the source documents quote: 1,153 grids and about 9,100 grid
workers of whom 57% are party members, about 40,000 members and 700,000 residents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Counts per district; ``districts`` districts of that shape are built side by side."""

    name: str
    districts: int
    streets: int
    communities: int
    grids: int
    buildings: int
    residents: int
    grid_workers: int
    members: int
    # Members organized in 机关, 事业单位 and 两新 branches under the streets rather than in communities.
    unit_member_share: float = 0.25
    # 网格员 who are party members (source: 5,207 of 9,097, 57%).
    grid_worker_member_share: float = 0.57
    # 楼道党支部 per building (source: 326 in the district's ~14,000 buildings).
    building_branch_share: float = 0.023

    @property
    def total_residents(self) -> int:
        return self.residents * self.districts


COMMUNITY = Scale(
    name="community",
    districts=1,
    streets=1,
    communities=1,
    grids=5,
    buildings=60,
    residents=3_000,
    grid_workers=20,
    members=150,
    building_branch_share=0.03,
)
DISTRICT = Scale(
    name="district",
    districts=1,
    streets=12,
    communities=110,
    grids=1_153,
    buildings=14_000,
    residents=700_000,
    grid_workers=9_100,
    members=40_000,
)
CITY = Scale(
    name="city",
    districts=10,
    streets=12,
    communities=110,
    grids=1_153,
    buildings=14_000,
    residents=700_000,
    grid_workers=9_100,
    members=40_000,
)

SCALES: dict[str, Scale] = {scale.name: scale for scale in (COMMUNITY, DISTRICT, CITY)}
# The scales' names where a user reads them (the generator's audit line): 社区, 区, 市 规模.
SCALE_NAMES_ZH: dict[str, str] = {COMMUNITY.name: "社区", DISTRICT.name: "区", CITY.name: "市"}
