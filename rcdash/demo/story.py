"""The demo's story: calibration constants, each with the reason for its value.

The demo tells the plan's story over the real divisions of Shaoxing: coverage grows from 2020 to 2022 and the
city reaches the 40 % branch rate and the 2 % member ratio just in time, while some counties fall short, so every
page has something to show (a gap on the map, a failed plan rule, a silent week). The data then run on to
2025-12-31 under the demo's fictional second plan (plan-2023-2025.toml, 示例, 50 % and 2.5 %): the city again
gets just past both targets while one county stays below each, so every page can be seen under two plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# ---- time span and scales ---------------------------------------------------------------------------------

START = date(2020, 1, 1)  # the seed plan's first day (DESIGN §1)
END = date(2022, 12, 31)  # the seed plan's last day: its story is pinned here
YEARS = (2020, 2021, 2022)  # the seed plan's years, each with its own interim targets
LATER_START = date(2023, 1, 1)  # the demo plan's first day (plan-2023-2025.toml, fictional)
DATA_END = date(2025, 12, 31)  # the demo plan's last day and the demo's last data date
LATER_YEARS = (2023, 2024, 2025)  # the demo plan's years
DATA_YEARS = YEARS + LATER_YEARS  # every year the demo has data for
BEFORE_PLAN = date(2008, 1, 1)  # earliest founding date of an organisation that predates the plan
FILES_AS_OF = date(2026, 1, 1)  # the fixed timestamp written into XLSX files (a wall-clock one breaks determinism)

DEFAULT_SEED = 20201  # "2020, year 1": any int works, this one is what the docs and tests show
# Copies of the real city per scale: 10 ≈ a province of 11 cities, 200 ≈ the ~430k villages of a national system.
SCALE_FACTORS = {"city": 1, "province": 10, "national": 200}

# ---- population ---------------------------------------------------------------------------------------

# Township shares of a county: the village count times a log-normal spread (no official township figures ship).
TOWNSHIP_SHARE_SIGMA = 0.35  # townships of similar village counts still differ by about a third
URBAN_TOWNSHIP_WEIGHT = 1.6  # a sub-district (街道) holds more people per community than a rural town per village
SYNTHETIC_POPULATION_JITTER = 0.15  # a synthetic county is its template county ±15 %, so totals look natural

# ---- branches -------------------------------------------------------------------------------------------

# Shares of the plan-period village branches founded in each year: the push grows towards the 2022 deadline.
NEW_BRANCH_YEAR_SHARES = (0.30, 0.33, 0.37)
# Month weights for founding dates: May (世界红十字日) and the year-end push are busy, Spring Festival is quiet.
FOUNDING_MONTH_WEIGHTS = (4, 2, 6, 7, 12, 8, 6, 6, 8, 8, 10, 13)
CLOSED_BRANCH_SHARE = 0.006  # ~13 city-wide: villages merged (撤村并居) close their branch
DOUBLE_BRANCH_SHARE = 0.005  # ~10 city-wide: a village with a second branch, which must be counted once
TOWNSHIP_BRANCH_SHARE = 0.85  # most townships have a branch; the rest are the planners' gap list
TOWNSHIP_BRANCH_BEFORE_PLAN = 0.70  # township branches are older than village ones
OTHER_BRANCH_BEFORE_PLAN = 0.5  # school, enterprise and hospital branches: half predate the plan
PARTY_ORG_SHARE = 0.35  # township branches with their own party organisation
VILLAGE_PARTY_ORG_SHARE = 0.12  # village branches mostly rely on the village's party branch instead
OTHER_PARTY_ORG_SHARE = 0.17  # schools, firms and hospitals: some have one
BRANCH_CLOSING_WINDOW = (date(2020, 3, 1), date(2022, 11, 30))  # merged villages close their branch during the plan
SECOND_BRANCH_DELAY_DAYS = (30, 700)  # a village's second branch follows its first by a month to two years
SYNTHETIC_RATE_JITTER = 0.02  # a synthetic county's branch and member rates are its template's ±2 points
# 2023–2025: the push goes on at an even pace (no deadline rush after the seed plan's), a little busier each year.
LATER_BRANCH_YEAR_SHARES = (0.31, 0.33, 0.36)
LATER_TOWNSHIP_BRANCH_SHARE = 0.3  # of the townships still without a branch in 2022: the gap list shrinks
LATER_OTHER_BRANCHES_PER_10_TOWNSHIPS = {"学校": 1, "企业": 1, "两新": 1}  # new schools, firms, 两新 organisations
# Branches of other levels per 10 townships: schools are the most common, hospitals the fewest.
OTHER_BRANCHES_PER_10_TOWNSHIPS = {"学校": 4, "企业": 2, "两新": 1, "医疗机构": 2, "其他": 1}
SCHOOL_NAMES = ("中心小学", "初级中学", "中学", "实验小学", "职业技术学校", "中心幼儿园")
ENTERPRISE_NAMES = ("纺织", "印染", "机械", "黄酒", "轴承", "化纤", "五金")
NEW_ORG_NAMES = ("社会组织服务中心", "志愿者协会", "新居民服务站", "商会")
MEDICAL_NAMES = ("卫生院", "社区卫生服务中心", "中医院")
OTHER_NAMES = ("老年协会", "文化礼堂理事会")

# ---- members -----------------------------------------------------------------------------------------------

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))  # most counties report members quarterly
HALF_YEAR_ENDS = ((6, 30), (12, 31))  # some only for the half-yearly briefing (每半年通报)
MEMBER_GROWTH_EXPONENT = 1.15  # growth speeds up a little as the deadline nears
MEMBER_DATE_NOISE = 0.015  # a county total wobbles ±1.5 % around its path (members lapse and renew)
TOWNSHIP_MEMBER_SIGMA = 0.45  # townships differ a lot in how actively they recruit
YOUTH_PER_ADULT = (0.5, 1.1)  # youth members per adult member: school branches recruit many
YOUTH_GROWTH = (0.8, 1.2)  # the youth share grows over the plan as school branches are founded
TOWNSHIP_MEMBER_WOBBLE = 0.05  # a township's share of its county's members moves ±5 % between snapshots
LATER_MEMBER_GROWTH_EXPONENT = 1.0  # after 2022 members grow steadily towards the demo plan's end
LATER_YOUTH_GROWTH = 1.3  # the youth share keeps growing a little (YOUTH_GROWTH's 1.2 at 2022 → 1.3 at 2025)

# ---- sites ----------------------------------------------------------------------------------------------------

CENTRE_NAME = "绍兴市区域性红十字服务中心"
CENTRE_COUNTY = "330602"  # 越城区: the plan puts the regional centre in the city proper ("市区")
CENTRE_TOWNSHIP = "城南街道"
CENTRE_OPENED = date(2021, 5, 8)  # 世界红十字日, the natural opening day
CENTRE_HOST = "市社会组织服务中心"  # the plan names social-organisation service centres as hosts
STATION_SHARE = 0.58  # ~60 of 103 townships build a station ("有条件的乡镇")
STATION_TOWN_WEIGHT = 2.0  # towns (镇, the plan's 中心镇) are twice as likely as sub-districts to build one
POINT_SHARE = 0.15  # ~325 of 2,168 villages get a service point ("人口集聚较多的村")
POINT_AT_BRANCH_SHARE = 0.85  # points are mostly where a branch already works
OPENED_BEFORE_PLAN = 0.12  # sites that already existed in 2019
CLOSED_POINT_SHARE = 0.03  # a few points close (the host building is repurposed)
LATER_STATION_SHARE = 0.25  # of the townships without a station in 2022, about a quarter build one by 2025
LATER_POINT_SHARE = 0.05  # ~110 more village points by 2025, mostly at the new branches
GCJ02_SHARE = 0.15  # coordinates copied from Amap/Tencent, written in GCJ-02
BD09_SHARE = 0.05  # coordinates copied from Baidu Maps, written in BD-09
COORD_DECIMALS = 6  # ~0.1 m: what people copy from a map
MAX_PLACE_TRIES = 200  # a point whose round trip through the CRS leaves its township is drawn again
STATION_HOSTS = ("党群服务中心", "便民服务中心", "新时代文明实践所", "社区卫生服务中心")
POINT_HOSTS = ("文化礼堂", "党群服务中心", "新时代文明实践站", "便民服务中心", "居家养老服务照料中心", "村卫生室")
BASE_HOSTS = ("新时代文明实践中心", "社会组织服务中心")
# How many functions a site offers, by tier: a county base does most things, a village point a few.
BASE_FUNCTIONS, STATION_FUNCTIONS, POINT_FUNCTIONS = (5, 8), (3, 5), (2, 4)
FUNCTIONS = ("救护培训", "人道救助", "造血干细胞捐献登记", "遗体器官捐献登记", "志愿服务", "人道传播",
             "博爱超市", "博爱书屋", "生命教育体验", "会员之家")

# ---- teams ----------------------------------------------------------------------------------------------------

VOLUNTEER_SPECIALTIES = ("心理关怀", "义务诊疗", "生命关爱", "应急救护", "水上救援", "山地救援", "博爱助学",
                         "人道传播", "无偿献血", "造血干细胞捐献")
SMALL_TEAM_SHARE = 0.3  # teams still short of the plan's 20 registered volunteers
SMALL_TEAM_VOLUNTEERS = (6, 19)  # below the plan's 20
TEAM_VOLUNTEERS = (20, 150)  # a featured team that meets the plan
RESCUE_VOLUNTEERS = (40, 120)  # a county rescue team is larger than a featured volunteer team
VOLUNTEER_TEAM_FOUNDED = (date(2016, 1, 1), date(2022, 10, 31))  # some predate the plan, many are new
LAST_DISBANDED_FOUNDING = date(2022, 6, 1)  # a team that disbands has existed for a while
TOWNSHIP_TEAM_SHARE = 0.3  # volunteer teams organised by a township rather than the county
VOLUNTEER_TEAM_PARTY_SHARE = 0.3  # "有条件的志愿服务团队建立党组织"
DISBANDED_TEAM_SHARE = 0.05  # a rare team disbands
LATER_TEAM_FOUNDED = (date(2023, 3, 1), date(2025, 10, 31))  # teams founded for the demo plan's rule of three

# ---- activities ---------------------------------------------------------------------------------------------

# Extra chance of a silent week around Spring Festival, and in the first COVID-19 lockdown (Feb 2020).
SPRING_FESTIVAL_WEEKS = (date(2020, 1, 20), date(2021, 2, 8), date(2022, 1, 31), date(2023, 1, 16),
                         date(2024, 2, 5), date(2025, 1, 27))
SPRING_FESTIVAL_SILENCE = 0.45
LOCKDOWN = (date(2020, 1, 27), date(2020, 2, 23))
LOCKDOWN_SILENCE = 0.5
# Where activities are held: mostly township societies, often in villages, sometimes the county itself.
ACTIVITY_DIVISION_SHARES = (("county", 0.15), ("township", 0.5), ("village", 0.35))
# Ordinary activities by category: first-aid training is the daily work, the 三献 come in campaigns.
CATEGORY_WEIGHTS = {
    "应急救护": 28, "人道传播": 18, "志愿服务": 15, "人道救助": 12, "无偿献血": 10, "应急救援": 5,
    "造血干细胞捐献": 5, "遗体和人体器官捐献": 4, "其他": 3,
}
# {place} is the division's name. Titles repeat on purpose: these are what townships actually report.
TITLES = {
    "应急救护": ("{place}救护培训进社区", "{place}应急救护知识讲座", "{place}AED使用培训", "{place}救护员取证培训班",
                 "{place}防溺水安全教育", "{place}救护培训进校园", "{place}救护培训进企业", "{place}心肺复苏普及培训"),
    "人道传播": ("{place}红十字运动知识宣传", "{place}《红十字会法》宣传", "{place}生命教育主题活动",
                 "{place}人道公益讲堂", "{place}红十字微信公众号专题报道"),
    "志愿服务": ("{place}红十字志愿者走访", "{place}红十字志愿服务日", "{place}志愿者技能培训", "{place}博爱义诊"),
    "人道救助": ("{place}博爱送万家慰问", "{place}困难群众走访慰问", "{place}博爱助学金发放", "{place}博爱超市爱心兑换"),
    "无偿献血": ("{place}无偿献血活动", "{place}献血屋进社区", "{place}献血知识宣传"),
    "应急救援": ("{place}应急救援演练", "{place}救援队拉练", "{place}防汛防台应急值守", "{place}救灾物资储备检查"),
    "造血干细胞捐献": ("{place}造血干细胞捐献志愿者招募", "{place}造血干细胞捐献知识宣传"),
    "遗体和人体器官捐献": ("{place}遗体器官捐献宣传", "{place}器官捐献登记咨询"),
    "其他": ("{place}红十字会工作例会", "{place}基层组织建设座谈会"),
}
PARTICIPANTS = (10, 300)  # an ordinary activity
THEME_AT_COUNTY_SHARE = 0.6  # the county society usually hosts the monthly theme itself
THEME_PARTICIPANTS = (100, 900)  # a monthly theme draws a crowd


@dataclass(frozen=True)
class MonthlyTheme:
    """The theme of a calendar month, with its title, category and the day it is held."""

    theme: str
    title: str  # {place} is filled in
    category: str
    day: int  # 0: the second Saturday (世界急救日)


MONTHLY_THEMES = {
    1: MonthlyTheme("博爱送万家", "{place}“博爱送万家”新春慰问", "人道救助", 15),
    2: MonthlyTheme("新春志愿服务", "{place}红十字志愿者新春服务", "志愿服务", 20),
    3: MonthlyTheme("学雷锋志愿服务月", "{place}学雷锋红十字志愿服务", "志愿服务", 5),
    4: MonthlyTheme("缅怀遗体器官捐献者", "{place}清明缅怀遗体器官捐献者", "遗体和人体器官捐献", 4),
    5: MonthlyTheme("世界红十字日", "{place}“5·8”世界红十字日主题宣传", "人道传播", 8),
    6: MonthlyTheme("世界献血者日", "{place}“6·14”世界献血者日无偿献血", "无偿献血", 14),
    7: MonthlyTheme("暑期防溺水", "{place}暑期防溺水救护培训", "应急救护", 15),
    8: MonthlyTheme("造血干细胞捐献宣传", "{place}造血干细胞捐献志愿者招募", "造血干细胞捐献", 10),
    9: MonthlyTheme("世界急救日", "{place}世界急救日救护培训进社区", "应急救护", 0),
    10: MonthlyTheme("国际减灾日", "{place}“10·13”国际减灾日应急救援演练", "应急救援", 13),
    11: MonthlyTheme("救护培训进校园", "{place}应急救护培训进校园", "应急救护", 20),
    12: MonthlyTheme("国际志愿者日", "{place}“12·5”国际志愿者日志愿服务", "志愿服务", 5),
}
# February 2020: the epidemic replaced the planned theme.
THEME_OVERRIDES = {(2020, 2): MonthlyTheme("抗击疫情", "{place}红十字抗疫志愿服务", "志愿服务", 20)}
SYNTHETIC_THEME_MISS = 0.02  # a synthetic county misses a month's theme now and then
LATER_ACTIVITY_GROWTH = 1.1  # a tenth more activities a week after 2022, as more branches report

# ---- brands, funds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandStory:
    """One 一地一品 project."""

    name: str
    category: str
    started_on: date
    description: str
    tags: str


PLACEHOLDER_SIZE = (800, 500)  # the gallery's card ratio
PLACEHOLDER_LABEL = "示例图片 · 占位"
PLACEHOLDER_LABEL_ASCII = "DEMO PLACEHOLDER"  # when no CJK font is installed
FONT_DIRS = ("/usr/share/fonts",)
FONT_PATTERNS = ("NotoSansCJK*-Regular.ttc", "NotoSansCJK*.ttc", "NotoSansSC*.otf", "*CJK*.ttc", "*CJK*.otf")
BENEFICIARIES = (800, 20000)  # people a county brand project reaches

FUND_SHARE = 0.069  # ~150 of 2,168 villages run a 博爱基金
FUND_AT_BRANCH_SHARE = 0.85  # funds mostly sit where a branch is
FUND_RAISED_MEDIAN = 80_000  # yuan: tens of thousands is typical of a village fund
FUND_RAISED_SIGMA = 0.7  # a few funds hold several hundred thousand, most far less
FUND_DISBURSED = (0.2, 0.85)  # share of what was raised that has been paid out
FUND_STALE_SHARE = 0.12  # funds whose last disclosure is more than a year old: the transparency gap
FUND_NEVER_DISCLOSED_SHARE = 0.02  # newly founded funds with no disclosure yet
FUND_FOUNDED_FROM = date(2016, 1, 1)  # village funds spread after the 2016 博爱家园 push
FUND_STALE_DISCLOSURE = (date(2020, 6, 30), date(2021, 11, 30))  # over a year before the plan's end
FUND_RECENT_DISCLOSURE_FROM = date(2022, 7, 1)  # the regular half-yearly disclosure
FUND_NEW_FOUNDED = (date(2022, 9, 30), date(2022, 12, 15))  # funds too new to have disclosed yet
# 2023–2025. A fund row holds only its latest disclosure, so older funds carry the one of 2025 (see DemoData.funds).
LATER_FUND_SHARE = 0.012  # ~25 more village funds, mostly where a branch was founded after 2022
LATER_FUND_FOUNDED = (date(2023, 1, 1), date(2025, 6, 30))
LATER_FUND_NEW_FOUNDED = (date(2025, 9, 30), date(2025, 12, 15))  # too new to have disclosed by 2025-12-31
LATER_FUND_NEVER_DISCLOSED_SHARE = 0.06  # of the new funds: a young cohort has more not yet due to disclose
LATER_RECENT_DISCLOSURE_FROM = date(2025, 7, 1)  # the regular half-yearly disclosure of 2025H2
LATER_STALE_DISCLOSURE = (date(2023, 6, 30), date(2024, 11, 30))  # stopped disclosing: over a year before 2025's end
LATER_FUND_STOPPED_SHARE = 0.09  # funds that disclosed in 2022 and then stopped: the transparency gap of 2025
LATER_FUND_RESUMED_SHARE = 0.4  # funds stale in 2022 that were chased up and disclosed again
LATER_FUND_GROWTH = (1.2, 1.9)  # cumulative raised amounts grow over three more years

# ---- 三救三献 ------------------------------------------------------------------------------------------------

# Per 100,000 residents a month. Shaoxing had ~50,000 blood donations in 2018, so ~4,000 a month city-wide.
BLOOD_DONATIONS_PER_100K = 76  # ~4,000 a month city-wide over 5.27 M residents
FIRST_AID_CERTIFIED_PER_100K = 28  # a few hundred per county a month
FIRST_AID_PUBLIC_PER_100K = 330  # thousands per county a month
STEM_CELL_PER_100K = 4.0  # tens per county a month
ORGAN_DONATION_PER_100K = 3.0  # tens per county a month
RELIEF_PER_100K = 35  # hundreds per county a month
MONTH_NOISE = 0.1  # monthly figures wobble ±10 % (weather, staffing, campaigns)
# Seasonal factors by month: Spring Festival and summer heat lower donations, June (献血者日) raises them.
BLOOD_SEASON = (1.0, 0.75, 0.95, 1.0, 1.05, 1.15, 0.9, 0.88, 1.0, 1.05, 1.05, 1.1)
TRAINING_SEASON = (0.8, 0.5, 1.0, 1.05, 1.1, 1.1, 1.15, 1.0, 1.2, 1.1, 1.1, 0.9)
RELIEF_SEASON = (2.2, 1.6, 0.8, 0.8, 0.8, 0.9, 1.0, 1.0, 0.8, 0.8, 0.9, 1.4)
# The epidemic in early 2020: trainings stopped, donations fell, relief rose.
COVID_FACTORS = {
    (2020, 2): {"blood": 0.45, "training": 0.05, "relief": 2.0},
    (2020, 3): {"blood": 0.7, "training": 0.3, "relief": 1.5},
    (2020, 4): {"blood": 0.9, "training": 0.7, "relief": 1.2},
    # The wave after the end of zero-COVID (December 2022 – January 2023): donors and trainees stayed home.
    (2023, 1): {"blood": 0.7, "training": 0.6, "relief": 1.1},
}

# ---- party building -------------------------------------------------------------------------------------

PARTY_DATES = (date(2020, 1, 1), date(2020, 6, 30), date(2020, 12, 31), date(2021, 6, 30), date(2021, 12, 31),
               date(2022, 6, 30), date(2022, 12, 31), date(2023, 6, 30), date(2023, 12, 31), date(2024, 6, 30),
               date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31))

# ---- targets: the plan's interim yearly targets, decomposed per year ("将三年计划分解到每一年度") ----------

TARGETS = (
    ("village_branch_rate", "*", 2020, "20%"), ("village_branch_rate", "*", 2021, "30%"),
    ("village_branch_rate", "*", 2022, "40%"),
    ("member_ratio", "*", 2020, "1.2%"), ("member_ratio", "*", 2021, "1.6%"), ("member_ratio", "*", 2022, "2%"),
    # The demo plan's years (fictional, 示例): 2024 and 2025 equal the plan file's interim and end targets.
    ("village_branch_rate", "*", 2023, "42.5%"), ("village_branch_rate", "*", 2024, "45%"),
    ("village_branch_rate", "*", 2025, "50%"),
    ("member_ratio", "*", 2023, "2.1%"), ("member_ratio", "*", 2024, "2.25%"), ("member_ratio", "*", 2025, "2.5%"),
)


# ---- per county -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaterStory:
    """How a county fares from 2023 to 2025, under the demo's fictional second plan."""

    branch_rate_end: float  # at 2025-12-31
    member_ratio_end: float  # at 2025-12-31
    new_volunteer_teams: int  # teams of 20+ founded to meet the plan's rule of three
    missed_theme_months: tuple[tuple[int, int], ...] = ()
    secretary_from: date | None = None  # for a county that had no secretary by 2022
    brands: tuple[BrandStory, ...] = ()  # projects started after 2022


@dataclass(frozen=True)
class CountyStory:
    """How one real county fares; synthetic counties replay their template county's story with jitter."""

    branch_rate_start: float
    branch_rate_end: float
    member_ratio_start: float
    member_ratio_end: float
    population_growth: float  # per year
    half_yearly_members: bool  # reports member snapshots half-yearly instead of quarterly
    base_township: str  # the county seat, where the county base is built
    base_opened: date
    rescue_specialty: str
    rescue_has_party: bool
    rescue_founded: date
    volunteer_teams: int
    weekly_activities: float  # mean activities a week
    silent_week_share: float
    missed_theme_months: tuple[tuple[int, int], ...]
    party_group_from: date | None
    secretary_from: date | None
    brands: tuple[BrandStory, ...]
    later: LaterStory

    @property
    def all_brands(self) -> tuple[BrandStory, ...]:
        """Every brand project, the seed plan's and the later ones."""
        return self.brands + self.later.brands


COUNTY_STORIES: dict[str, CountyStory] = {
    # 越城区: the city centre, ahead on everything.
    "330602": CountyStory(
        0.18, 0.47, 0.0115, 0.0245, 0.009, False, "迪荡街道", date(2020, 5, 8), "城市搜救；应急救护", True,
        date(2018, 5, 8), 4, 7.0, 0.02, (), date(2019, 6, 30), date(2019, 6, 30),
        (BrandStory("鉴湖救护驿站", "应急救护", date(2020, 6, 1), "沿鉴湖绿道设置救护驿站，配备 AED 和持证救护员，周末开展救护普及。",
                    "应急救护；AED；博爱家园"),
         BrandStory("古城博爱家园", "人道救助", date(2021, 9, 1), "在历史街区为独居老人提供结对帮扶、博爱超市和上门救护。",
                    "博爱家园；人道救助；结对帮扶")),
        LaterStory(0.57, 0.0285, 0),
    ),
    # 柯桥区: water towns and the textile city; strong volunteer scene.
    "330603": CountyStory(
        0.17, 0.45, 0.0105, 0.0230, 0.007, False, "柯桥街道", date(2020, 9, 1), "水上救援", True,
        date(2017, 8, 1), 5, 7.0, 0.03, (), date(2020, 12, 31), date(2021, 6, 30),
        (BrandStory("博爱家园·水乡救护", "应急救护", date(2020, 4, 1), "在水乡村落普及应急救护和防溺水技能，组建村级水上救援小组。",
                    "博爱家园；水上救援；防溺水"),
         BrandStory("轻纺城红十字志愿服务", "志愿服务", date(2021, 3, 5), "面向中国轻纺城商户和外来务工人员的救护培训与志愿服务。",
                    "志愿服务；两新组织；新居民"),
         BrandStory("水上救援先锋", "应急救援", date(2022, 5, 12), "以应急救援队为骨干，承担河网水域搜救和汛期值守。",
                    "应急救援；水上救援")),
        LaterStory(0.55, 0.0270, 0, ((2024, 2),)),
    ),
    # 上虞区: steady, on target.
    "330604": CountyStory(
        0.15, 0.43, 0.0100, 0.0215, 0.005, False, "百官街道", date(2021, 1, 10), "水上救援；山地救援", True,
        date(2019, 3, 1), 3, 6.0, 0.05, ((2021, 8),), date(2020, 6, 30), date(2020, 12, 31),
        (BrandStory("曹娥江应急救援", "应急救援", date(2020, 8, 1), "依托曹娥江沿线乡镇建立应急救援网格，开展防汛防台演练。",
                    "应急救援；防汛防台"),
         BrandStory("孝德博爱·生命关爱", "遗体和人体器官捐献", date(2021, 11, 1), "结合孝德文化开展遗体器官捐献宣传和捐献者家属关怀。",
                    "生命关爱；器官捐献；人道传播")),
        LaterStory(0.52, 0.0258, 1, ((2025, 1),)),
    ),
    # 新昌县: mountainous and small, behind on branches and members; the demo's laggard.
    "330624": CountyStory(
        0.11, 0.34, 0.0085, 0.0175, 0.002, True, "南明街道", date(2022, 3, 1), "山地救援", True,
        date(2020, 7, 1), 2, 4.5, 0.12, ((2020, 2), (2021, 2), (2022, 7)), date(2022, 6, 30), None,
        (BrandStory("天姥山地救援", "应急救援", date(2021, 7, 1), "在天姥山区组建山地救援小分队，服务登山游客和山区村民。",
                    "山地救援；应急救援"),
         BrandStory("茶乡博爱驿站", "人道救助", date(2022, 3, 15), "在茶叶市场和茶园设立博爱驿站，为茶农提供救护和人道救助。",
                    "博爱驿站；人道救助")),
        LaterStory(0.43, 0.0215, 1, ((2023, 1), (2024, 2)), date(2023, 6, 30),
                   (BrandStory("茶乡救护进村", "应急救护", date(2024, 4, 1),
                               "在茶园和茶叶加工点开展救护培训，村村配备急救箱和持证救护员。", "应急救护；茶乡；博爱家园"),)),
    ),
    # 诸暨市: the largest county; good numbers but many villages to cover.
    "330681": CountyStory(
        0.14, 0.42, 0.0095, 0.0210, 0.006, False, "暨阳街道", date(2020, 11, 1), "水上救援；应急救护", True,
        date(2016, 10, 1), 4, 8.0, 0.04, (), date(2021, 6, 30), date(2021, 12, 31),
        (BrandStory("枫桥经验·博爱e家", "人道救助", date(2020, 3, 1), "把“枫桥经验”用于人道救助：村级网格员发现需求，博爱基金精准帮扶。",
                    "博爱家园；人道救助；网格化"),
         BrandStory("珍珠之乡造血干细胞捐献宣传", "造血干细胞捐献", date(2020, 10, 1),
                    "在山下湖珍珠市场等人流密集处开展造血干细胞捐献宣传和采样。", "造血干细胞；人道传播"),
         BrandStory("西施故里救护培训", "应急救护", date(2021, 5, 8), "面向景区从业人员和游客的救护培训，景区配置 AED。",
                    "应急救护；AED；景区")),
        LaterStory(0.505, 0.0252, 0, (),
                   brands=(BrandStory("枫桥博爱助学", "人道救助", date(2023, 9, 1),
                                      "以博爱基金和企业捐赠资助困难家庭学生，志愿者结对开展学业和心理陪伴。",
                                      "博爱助学；博爱基金；志愿服务"),)),
    ),
    # 嵊州市: members lag; its rescue team has no party organisation yet.
    "330683": CountyStory(
        0.13, 0.41, 0.0090, 0.0195, 0.003, True, "剡湖街道", date(2021, 6, 1), "山地救援；水上救援", False,
        date(2020, 4, 1), 3, 5.5, 0.08, ((2022, 1),), date(2021, 12, 31), date(2022, 6, 30),
        (BrandStory("越剧之乡·博爱戏台", "人道传播", date(2020, 9, 1), "把红十字知识编进越剧小戏，在村文化礼堂巡演。",
                    "人道传播；文化礼堂；越剧"),
         BrandStory("领带之都博爱超市", "人道救助", date(2022, 1, 10), "领带企业捐赠设立博爱超市，困难家庭凭积分兑换生活用品。",
                    "博爱超市；企业；人道救助")),
        LaterStory(0.505, 0.0238, 1, ((2023, 8),)),
    ),
}
