"""What each role does in Sidan, shown on the role's home page."""

from django.utils.translation import gettext_lazy as _

from grids.models import PostRole

ROLE_GUIDE: dict[str, dict] = {
    PostRole.STREET_OFFICIAL: {
        "title": _("街道干部"),
        "summary": _("查看全街道的工单、排名与超期督办；承接上升到街道联席会议的疑难事项。"),
        "duties": [
            _("审阅各社区的数据看板"),
            _("查看各社区的走访覆盖率"),
            _("对超期和反复不满意的事项督办"),
            _("作为联席会议成员承接第四级工单"),
        ],
    },
    PostRole.COMMUNITY_DISPATCHER: {
        "title": _("社区派单员"),
        "summary": _(
            "受理居民点单，按类别沿“物业 → 网格长 → 成员单位 → 街道联席会议”派单，"
            "跟踪、催办和回访。"
        ),
        "duties": [
            _("处理派单台上的新单、退单、升级单和重办单"),
            _("代居民录入（党建客厅、热线、走访、议事会）"),
            _("审批延期申请，回访未评价的居民"),
            _("导入住户名册，查看各网格的走访覆盖率"),
            _("召集党群议事会：收集议题、表决、公示，会上集中受理并当场派单"),
            _("举手微项目：设定立项门槛，立项（专项资金、负责人）、发布进展、完工"),
            _("发布、置顶、撤回社区公告"),
        ],
    },
    PostRole.GRID_LEADER: {
        "title": _("网格长"),
        "summary": _("承接物业处理不了的事项（第二级），签收、办理并反馈结果。"),
        "duties": [
            _("签收派到本网格的工单"),
            _("办理并填写结果"),
            _("把巡查走访发现的需求录入为工单"),
            _("查看本网格每位网格员的走访覆盖率"),
        ],
    },
    PostRole.GRID_WORKER: {
        "title": _("网格员"),
        "summary": _("日常巡查和入户走访，把发现的需求录入为工单，跟进本网格的事项。"),
        "duties": [
            _("按待走访清单入户走访（超期的排在最前），每天收到超期提醒"),
            _("走访时把发现的需求当场转为工单"),
            _("跟进本网格工单的进度"),
        ],
    },
    PostRole.BUILDING_HEAD: {
        "title": _("楼栋长"),
        "summary": _("联系本楼栋居民，代居民录入需求，跟进本楼栋的事项。"),
        "duties": [_("代居民录入需求"), _("跟进本楼栋工单")],
    },
    PostRole.MICROGRID_LEADER: {
        "title": _("微网格长"),
        "summary": _("联系本微网格的住户，发现并上报需求。"),
        "duties": [_("上报住户需求"), _("跟进本微网格工单")],
    },
    PostRole.PROPERTY_MANAGER: {
        "title": _("物业"),
        "summary": _("承接本小区的一般事项（第一级），限时签收和办理。"),
        "duties": [
            _("签收派给物业的工单"),
            _("办理并反馈结果，或说明理由退单"),
            _("需要时申请延期"),
        ],
    },
    PostRole.UNIT_LIAISON: {
        "title": _("成员单位联络员"),
        "summary": _("代表大党委成员单位承接复杂事项（第三级）。"),
        "duties": [_("签收派给本单位的工单"), _("协办并反馈结果")],
    },
    PostRole.PARTY_MEMBER: {
        "title": _("在职党员"),
        "summary": _("回社区报到的在职党员：认领微心愿、参与志愿服务。"),
        "duties": [_("查看本社区的公开事项")],
    },
}
