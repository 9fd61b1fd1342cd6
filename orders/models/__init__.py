"""Orders' models, by concern; every name is importable from ``orders.models``.
Status changes happen only in ``orders.services``."""

from core.models import OutboxStatus
from orders.lifecycle import Action, QueueReason, Status, Tier
from orders.models.deadlines import (
    CalendarDay,
    CalendarDayKind,
    DeadlinePolicy,
    DeadlineUnit,
    SignOverdueAction,
)
from orders.models.joint import CoHandler, Whistle
from orders.models.meetings import Meeting, MeetingEvent, MeetingOrder, MeetingTopic
from orders.models.notices import Notice, NoticeSubscription
from orders.models.order import (
    STAFF_CHANNELS,
    CancelReason,
    Category,
    Channel,
    Nature,
    Order,
    OrderEvent,
    OrderPhoto,
    OrderSequence,
    PhotoKind,
    Rating,
    Urgency,
    contact_phone_validator,
    phone_validator,
)
from orders.models.outbox import OutboxMessage
from orders.models.projects import (
    MicroProject,
    ProjectEvaluation,
    ProjectEvent,
    ProjectHand,
    ProjectThreshold,
)
from orders.models.stats import (
    DailyCount,
    ExportJob,
    ExportStatus,
    FillState,
    HandlerFact,
    MonthlyCount,
)
from orders.models.supervision import (
    CallbackStatus,
    CallbackTask,
    SupervisionItem,
    SupervisionKind,
)
from orders.models.verification import PhoneVerification
from orders.models.visits import VisitOrder

__all__ = [
    "CoHandler",
    "Whistle",
    "DailyCount",
    "ExportJob",
    "ExportStatus",
    "HandlerFact",
    "MonthlyCount",
    "FillState",
    "Notice",
    "NoticeSubscription",
    "MicroProject",
    "ProjectEvaluation",
    "ProjectEvent",
    "ProjectHand",
    "ProjectThreshold",
    "Meeting",
    "MeetingEvent",
    "MeetingOrder",
    "MeetingTopic",
    "STAFF_CHANNELS",
    "VisitOrder",
    "Action",
    "CalendarDay",
    "CalendarDayKind",
    "CallbackStatus",
    "CallbackTask",
    "CancelReason",
    "Category",
    "Channel",
    "DeadlinePolicy",
    "DeadlineUnit",
    "Nature",
    "Order",
    "OrderEvent",
    "OrderPhoto",
    "OrderSequence",
    "OutboxMessage",
    "OutboxStatus",
    "PhoneVerification",
    "PhotoKind",
    "QueueReason",
    "Rating",
    "SignOverdueAction",
    "Status",
    "SupervisionItem",
    "SupervisionKind",
    "Tier",
    "Urgency",
    "contact_phone_validator",
    "phone_validator",
]
