"""Good Care Recruitment's models, by the pipeline's parts: the application, its answers, history and
notes (application.py); values assessments (screening.py); safer-recruitment checks (checks.py);
referrals, placements and follow-up check-ins (referrals.py); possible duplicates (duplicates.py). Import them from here
(`from recruitment.models import Application`); academy.register_models imports this package, so
SQLAlchemy and Alembic see every table."""
from recruitment.models.application import (  # noqa: F401
    STATE_LABELS, VALUES, Application, Experience, HeardAbout, Note, RightToWork, State, StateChange,
    application_service_types,
)
from recruitment.models.duplicates import DuplicateStatus, PossibleDuplicate  # noqa: F401
from recruitment.models.checks import (  # noqa: F401
    CheckStatus, DbsStatus, HealthStatus, HistoryStatus, ReferenceKind, ReferenceStatus, SaferRecruitmentCheck,
)
from recruitment.models.referrals import (  # noqa: F401
    OPEN_REFERRAL, FollowUp, FollowUpPoint, InterviewFormat, InterviewReminder, InterviewSlot, Placement, Referral, ReferralStatus,
)
from recruitment.models.screening import IMMUTABLE_ASSESSMENT_FIELDS, ValuesAssessment  # noqa: F401
