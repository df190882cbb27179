"""One declarative entry per import kind (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Callable

from rcdash.records.spec import Choice, Field, FieldType, Kind, RowCheck

T = FieldType

# Targets accept '*' for "the city and every county"; it is stored as is.
ANY_AREA = "*"
RATE_METRICS = frozenset({"village_branch_rate", "member_ratio", "weekly_voice_rate", "monthly_theme_rate"})

ALL_LEVELS = frozenset({"city", "county", "township", "village"})
BELOW_CITY = frozenset({"county", "township", "village"})
COUNTY_ONLY = frozenset({"county"})
CITY_OR_COUNTY = frozenset({"city", "county"})

BRANCH_LEVELS = (
    Choice("乡镇街道", ("乡镇", "街道", "乡镇（街道）", "乡镇(街道)", "township")),
    Choice("村社区", ("村", "社区", "村（社区）", "村(社区)", "village", "community")),
    Choice("学校", ("school",)),
    Choice("企业", ("enterprise", "company")),
    Choice("两新", ("两新组织", "new_org", "two_new")),
    Choice("医疗机构", ("医院", "medical", "hospital")),
    Choice("其他", ("other",)),
)
SITE_TIERS = (
    Choice("center", ("服务中心", "区域性红十字服务中心", "中心", "centre")),
    Choice("base", ("服务基地", "县级红十字服务基地", "基地")),
    Choice("station", ("服务站", "红十字服务站", "站")),
    Choice("point", ("服务点", "红十字服务点", "服务室", "点")),
)
CRS = (
    Choice("WGS84", ("WGS-84", "GPS", "wgs84")),
    Choice("GCJ02", ("GCJ-02", "火星坐标", "高德", "腾讯", "gcj02")),
    Choice("BD09", ("BD-09", "百度", "bd09")),
)
TEAM_TYPES = (
    Choice("应急救援队", ("救援队", "rescue", "emergency_rescue")),
    Choice("志愿服务队", ("志愿队", "特色志愿队", "volunteer", "volunteer_team")),
)
ACTIVITY_CATEGORIES = (
    Choice("应急救援", ("救援", "emergency_rescue")),
    Choice("应急救护", ("救护培训", "救护", "first_aid")),
    Choice("人道救助", ("救助", "humanitarian_aid", "relief")),
    Choice("无偿献血", ("献血", "blood_donation")),
    Choice("造血干细胞捐献", ("造血干细胞", "stem_cell", "stem_cell_donation")),
    Choice("遗体和人体器官捐献", ("器官捐献", "遗体捐献", "organ_donation")),
    Choice("人道传播", ("宣传", "传播", "dissemination")),
    Choice("志愿服务", ("volunteer", "volunteering")),
    Choice("其他", ("other",)),
)
# The metrics a target can be set for; rates are fractions, counts are per area.
TARGET_METRICS = (
    Choice("village_branch_rate", ("建会率", "村社区建会率")),
    Choice("member_ratio", ("成人会员占比", "会员占比")),
    Choice("sites_center", ("服务中心数",)),
    Choice("sites_base", ("服务基地数",)),
    Choice("sites_station", ("服务站数",)),
    Choice("sites_point", ("服务点数",)),
    Choice("rescue_teams_with_party", ("建党组织应急救援队数",)),
    Choice("volunteer_teams_20plus", ("20人以上志愿队数",)),
    Choice("brand_projects", ("品牌项目数",)),
    Choice("funds", ("博爱基金数",)),
    Choice("weekly_voice_rate", ("周周有声音",)),
    Choice("monthly_theme_rate", ("月月有主题",)),
)


def _after(later: str, earlier: str) -> Callable[[dict[str, object]], bool]:
    """A predicate: `later` is set and earlier than `earlier`."""
    return lambda r: r.get(later) is not None and r.get(earlier) is not None and r[later] < r[earlier]


def _division(zh: str = "区划", levels: frozenset[str] = BELOW_CITY, example: str = "柯桥区/福全街道/峡山村") -> Field:
    """The division column: a code or a (township/)village name."""
    return Field(
        "division", zh, T.DIVISION, levels=levels,
        aliases=("区划代码", "区划名称", "所属区划", "行政区划", "地区"),
        example=example,
        help="区划代码（6/9/12 位）或名称；村名重名时写成“乡镇（街道）/村”，或另加一列“乡镇（街道）”",
    )


def _county(zh: str = "区县") -> Field:
    """A county column (区、县（市）)."""
    return Field(
        "county", zh, T.DIVISION, levels=COUNTY_ONLY,
        aliases=("区、县（市）", "区县（市）", "县（市、区）", "区县代码"),
        example="柯桥区", help="区、县（市）名称或 6 位代码",
    )


def _count(name: str, zh: str, required: bool = True, example: str = "0", **kw: object) -> Field:
    """A non-negative whole number."""
    return Field(name, zh, T.INT, required=required, minimum=0, example=example, **kw)  # type: ignore[arg-type]


def _flag(name: str, zh: str, example: str = "是") -> Field:
    """An optional yes/no column, default no."""
    return Field(name, zh, T.BOOL, required=False, default=False, example=example, help="是/否（有/无、Y/N、1/0、√/×）")


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "population", "常住人口", "population",
            fields=(
                _division(levels=ALL_LEVELS, example="柯桥区/福全街道"),
                Field("year", "年份", T.YEAR, example="2021"),
                _count("resident_population", "常住人口", example="52000", aliases=("常住人口数", "人口")),
            ),
            key=("division", "year"),
            description="某区划某年的常住人口",
        ),
        Kind(
            "branches", "基层组织", "branches",
            fields=(
                Field("name", "组织名称", T.TEXT, example="峡山村红十字会"),
                _division(),
                Field("level", "组织层级", T.ENUM, choices=BRANCH_LEVELS, example="村社区", aliases=("层级",)),
                Field("established_on", "成立日期", T.DATE, example="2021-03-05"),
                Field("closed_on", "撤销日期", T.DATE, required=False, example=""),
                _flag("has_party_org", "是否建立党组织", example="否"),
            ),
            key=("name", "division"),
            checks=(RowCheck(("closed_on", "established_on"), _after("closed_on", "established_on"),
                             "撤销日期早于成立日期，请检查两个日期"),),
            description="一个红十字基层组织（会）",
        ),
        Kind(
            "sites", "服务阵地", "sites",
            fields=(
                Field("name", "阵地名称", T.TEXT, example="福全街道红十字服务站"),
                Field("tier", "阵地类型", T.ENUM, choices=SITE_TIERS, example="服务站", aliases=("类型", "层级")),
                _division(example="柯桥区/福全街道"),
                Field("lon", "经度", T.FLOAT, example="120.4650"),
                Field("lat", "纬度", T.FLOAT, example="30.0510"),
                Field("crs", "坐标系", T.ENUM, required=False, choices=CRS, default="WGS84", example="WGS84",
                      help="WGS84（GPS，默认）、GCJ02（高德/腾讯）或 BD09（百度）"),
                Field("opened_on", "启用日期", T.DATE, example="2021-06-01"),
                Field("closed_on", "关闭日期", T.DATE, required=False, example=""),
                Field("host", "依托场所", T.TEXT, required=False, example="党群服务中心"),
                Field("functions", "服务功能", T.TEXT, required=False, example="救护培训；人道救助"),
            ),
            key=("name", "division"),
            coordinates=("lon", "lat", "crs"),
            checks=(RowCheck(("closed_on", "opened_on"), _after("closed_on", "opened_on"),
                             "关闭日期早于启用日期，请检查两个日期"),),
            description="一个服务阵地（中心/基地/站/点），坐标会换算为 WGS-84",
        ),
        Kind(
            "members", "会员", "members",
            fields=(
                _division(levels=ALL_LEVELS, example="柯桥区/福全街道"),
                Field("date", "统计日期", T.DATE, example="2021-12-31"),
                _count("adult_members", "成人会员数", example="850"),
                _count("youth_members", "青少年会员数", required=False, example="120"),
            ),
            report_date="date",
            key=("division", "date"),
            description="某区划在某日直接登记的会员数（快照）",
        ),
        Kind(
            "teams", "队伍", "teams",
            fields=(
                Field("name", "队伍名称", T.TEXT, example="柯桥区红十字应急救援队"),
                Field("type", "队伍类型", T.ENUM, choices=TEAM_TYPES, example="应急救援队"),
                Field("specialty", "专业特长", T.TEXT, required=False, example="水上救援"),
                _division(example="柯桥区"),
                Field("founded_on", "成立日期", T.DATE, example="2020-05-12"),
                Field("disbanded_on", "解散日期", T.DATE, required=False, example=""),
                _count("registered_volunteers", "注册志愿者数", example="35"),
                _flag("has_party_org", "是否建立党组织"),
            ),
            key=("name", "division"),
            checks=(RowCheck(("disbanded_on", "founded_on"), _after("disbanded_on", "founded_on"),
                             "解散日期早于成立日期，请检查两个日期"),),
            description="一支应急救援队或志愿服务队",
        ),
        Kind(
            "activities", "活动", "activities",
            fields=(
                Field("date", "活动日期", T.DATE, example="2021-06-14", aliases=("日期",)),
                _division(example="柯桥区/福全街道"),
                Field("title", "活动名称", T.TEXT, example="世界献血者日宣传", aliases=("标题",)),
                Field("category", "活动类别", T.ENUM, choices=ACTIVITY_CATEGORIES, example="无偿献血", aliases=("类别",)),
                _flag("is_monthly_theme", "是否月度主题活动", example="是"),
                Field("theme", "月度主题", T.TEXT, required=False, example="无偿献血月"),
                _count("participants", "参与人数", required=False, example="120"),
            ),
            report_date="date",
            key=("date", "division", "title"),
            description="一次活动或一条宣传",
        ),
        Kind(
            "brands", "一地一品", "brands",
            fields=(
                Field("name", "项目名称", T.TEXT, example="博爱家园·水乡救护"),
                _county(),
                Field("description", "项目简介", T.TEXT, required=False, example="在水乡村落普及应急救护"),
                Field("started_on", "启动日期", T.DATE, required=False, example="2020-09-01"),
                Field("category", "项目类别", T.TEXT, required=False, example="应急救护"),
                _count("beneficiaries", "受益人数", required=False, example="3000"),
                Field("photo", "照片", T.TEXT, required=False, example="", media=True,
                      help="照片文件名：把表格和照片（JPEG/PNG/WebP）一起打包成 ZIP 导入；没有照片请留空"),
                Field("tags", "标签", T.TEXT, required=False, example="博爱家园；水上救援"),
            ),
            key=("name", "county"),
            description="一个“一地一品”品牌项目",
        ),
        Kind(
            "funds", "博爱基金", "funds",
            fields=(
                Field("name", "基金名称", T.TEXT, example="峡山村博爱基金"),
                _division(),
                Field("established_on", "设立日期", T.DATE, example="2021-01-10"),
                Field("raised_yuan", "累计筹款（元）", T.MONEY, minimum=0, example="50000", aliases=("筹款金额",)),
                Field("disbursed_yuan", "累计支出（元）", T.MONEY, minimum=0, example="12000", aliases=("支出金额",)),
                Field("last_disclosed_on", "最近公开日期", T.DATE, required=False, example="2022-06-30"),
            ),
            key=("name", "division"),
            checks=(RowCheck(("last_disclosed_on", "established_on"), _after("last_disclosed_on", "established_on"),
                             "最近公开日期早于设立日期，请检查两个日期"),),
            description="一个村级博爱基金",
        ),
        Kind(
            "rescue_stats", "三救三献", "rescue_stats",
            fields=(
                _county(),
                Field("month", "月份", T.MONTH, example="2021-03"),
                _count("first_aid_certified", "救护员取证人数", example="320"),
                _count("first_aid_public", "救护普及培训人数", example="2500"),
                _count("blood_donations", "无偿献血人次", example="4200"),
                _count("stem_cell_registrations", "造血干细胞入库人数", example="60"),
                _count("organ_donation_registrations", "遗体器官捐献登记人数", example="45"),
                _count("relief_people", "人道救助人次", example="150"),
            ),
            report_date="month",
            key=("county", "month"),
            description="某区县某月的“三救三献”数字",
        ),
        Kind(
            "party", "党建", "party",
            fields=(
                _county(),
                Field("date", "日期", T.DATE, example="2021-12-31"),
                Field("party_group_established", "是否成立党组", T.BOOL, example="是"),
                Field("secretary_appointed", "是否任命党组书记", T.BOOL, example="是"),
            ),
            report_date="date",
            key=("county", "date"),
            description="某区县某日的党建状态",
        ),
        Kind(
            "targets", "目标值", "targets",
            fields=(
                Field("metric", "指标", T.ENUM, choices=TARGET_METRICS, example="village_branch_rate"),
                Field("area", "区域", T.DIVISION, levels=CITY_OR_COUNTY, wildcard=ANY_AREA, example="*",
                      help="区县名称或代码；* 表示全市及每个区县"),
                Field("year", "年份", T.YEAR, example="2021"),
                Field("value", "目标值", T.RATIO, minimum=0, example="30%",
                      help="比率写成 30% 或 0.3；数量写整数"),
            ),
            key=("metric", "area", "year"),
            checks=(RowCheck(("value", "metric"), lambda r: r["metric"] in RATE_METRICS and r["value"] > 1,
                             "比率类指标的目标值应不超过 100%，请写成 40% 或 0.4"),),
            description="某指标某年的目标值（阶段目标）",
        ),
    )
}

