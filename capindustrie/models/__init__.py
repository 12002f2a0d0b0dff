"""All models, importable from one place (Alembic sees every table through this import)."""

from capindustrie.models.applications import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Placement,
)
from capindustrie.models.audit import AuditEntry, RecoveryCode, TwoFactor
from capindustrie.models.base import Base, utcnow
from capindustrie.models.classes import LoginSlipBatch, Pupil, SchoolClass, class_teacher
from capindustrie.models.conventions import (
    SCHOOL_STATUS_LABELS,
    SIGNATURE_PARTY_LABELS,
    AgreementParties,
    AgreementSignature,
    AgreementVersion,
    PupilFamily,
    SchoolProfile,
    SchoolStatus,
    SignatureInvitation,
    SignatureMethod,
    SignatureParty,
)
from capindustrie.models.events import (
    Attendance,
    CalendarFeed,
    Campaign,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    registration_pupil,
)
from capindustrie.models.indicators import SchoolHeadcount
from capindustrie.models.offers import (
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    OfferTransition,
    Period,
    ProgramDay,
)
from capindustrie.models.operations import (
    DeliveryState,
    ExportDelivery,
    ExportKind,
    ExportLock,
    ExportRun,
    ExportStatus,
    OutboxMessage,
    OutboxStatus,
)
from capindustrie.models.reference import Commune, Epci, School, SchoolType
from capindustrie.models.users import (
    FILIERE_LABELS,
    Company,
    CompanyStatus,
    Filiere,
    LoginThrottle,
    Role,
    SizeBand,
    User,
    UserSession,
)

__all__ = [
    "AuditEntry",
    "RecoveryCode",
    "TwoFactor",
    "Application",
    "Attendance",
    "CalendarFeed",
    "Campaign",
    "ApplicationStatus",
    "ApplicationTransition",
    "Base",
    "Commune",
    "Company",
    "CompanyStatus",
    "DeliveryState",
    "Epci",
    "Event",
    "EventAudience",
    "EventKind",
    "EventSession",
    "EventStatus",
    "ExportDelivery",
    "ExportKind",
    "ExportLock",
    "ExportRun",
    "ExportStatus",
    "FILIERE_LABELS",
    "Filiere",
    "GeoPrecision",
    "LoginSlipBatch",
    "LoginThrottle",
    "Level",
    "Offer",
    "OfferStatus",
    "OfferTransition",
    "OutboxMessage",
    "OutboxStatus",
    "Period",
    "Placement",
    "ProgramDay",
    "Pupil",
    "Registration",
    "RegistrationStatus",
    "Role",
    "School",
    "SchoolClass",
    "SchoolHeadcount",
    "SchoolType",
    "SizeBand",
    "User",
    "UserSession",
    "class_teacher",
    "registration_pupil",
    "utcnow",
    # conventions
    "AgreementParties",
    "AgreementSignature",
    "AgreementVersion",
    "PupilFamily",
    "SCHOOL_STATUS_LABELS",
    "SIGNATURE_PARTY_LABELS",
    "SchoolProfile",
    "SchoolStatus",
    "SignatureInvitation",
    "SignatureMethod",
    "SignatureParty",
]

# Issue 15 (matching): pupils' wishes.
from capindustrie.models.wishes import PupilWish  # noqa: E402

__all__ += ["PupilWish"]

# Issue 14 (trust): reports of offers, parents' links.
from capindustrie.models.trust import (  # noqa: E402
    REPORT_OUTCOME_LABELS,
    REPORT_REASON_LABELS,
    OfferReport,
    ParentLink,
    ReportOutcome,
    ReportReason,
)

__all__ += [
    "OfferReport",
    "ParentLink",
    "REPORT_OUTCOME_LABELS",
    "REPORT_REASON_LABELS",
    "ReportOutcome",
    "ReportReason",
]

# Issue 13, point 4: feedback after the internship.
from capindustrie.models.feedback import (  # noqa: E402
    CompanyFeedback,
    FeedbackInvitation,
    ProgrammeFollowed,
    PupilFeedback,
    Recruitment,
    RecruitmentKind,
    Respondent,
)

__all__ += [
    "CompanyFeedback",
    "FeedbackInvitation",
    "ProgrammeFollowed",
    "PupilFeedback",
    "Recruitment",
    "RecruitmentKind",
    "Respondent",
]
