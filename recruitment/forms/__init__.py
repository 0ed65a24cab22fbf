"""Good Care Recruitment's forms, by the pipeline's parts: the applicant's journey (application.py),
screening (screening.py), the safer-recruitment checks (checks.py), referrals, placements and
check-ins (referrals.py), possible duplicates (duplicates.py), and what they share (common.py). Import them from here
(`from recruitment.forms import NameForm`)."""
from recruitment.forms.application import (  # noqa: F401
    SHIFTS, VALUES_QUESTIONS, AvailabilityForm, ContactForm, CvForm, DistrictForm, DrivingForm,
    ExperienceForm, HeardAboutForm, LanguagesForm, NameForm, PhoneForm, PostcodeForm, QualificationsForm,
    RightToWorkForm, ServiceTypesForm, SubmitApplicationForm, ValuesAnswerForm, WithdrawForm,
)
from recruitment.forms.checks import ChecksForm  # noqa: F401
from recruitment.forms.duplicates import DismissDuplicateForm, MergeForm  # noqa: F401
from recruitment.forms.common import (  # noqa: F401
    PHONE, POSTCODE, YES_NO, VersionedForm, enum_choices, strip_text, text_area, tidy_postcode, word_count,
    yes_no,
)
from recruitment.forms.referrals import (  # noqa: F401
    ApplicantCancelForm, BookSlotForm, CancelInterviewForm, CheckInForm, InterviewForm, NoShowForm,
    OfferDeclinedForm, OtherTimesForm, OutcomeForm, PlacementForm, ReferForm, ReferralDecisionForm, SendTimesForm, SlotForm,
    WithdrawSlotForm,
)
from recruitment.forms.screening import (  # noqa: F401
    SCORE_CHOICES, AssignForm, MoveForm, NoteForm, ReviewForm, ValuesAssessmentForm,
)
