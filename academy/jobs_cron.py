"""Periodic jobs for `rq cron` (run by `flask jobs cron`). Features add their entries here.

Each entry: cron.register(function, queue_name, cron="m h dom mon dow").
"""
from rq import cron

from academy.outcomes.jobs import JOB_TIMEOUT, recompute_outcomes
from academy.tiers.endorsement_requests import endorsement_requests_job
from academy.tiers.lapse import tier_lapse_job
from academy.privacy.retention import retention_job
from recruitment.followup import run_follow_ups
from recruitment.booking import interview_reminders_job
from training.reminders import daily_reminders_job
from academy.voice.pulse import voice_daily_job

# Outcomes: every night at 02:30, the latest month end and the current month to date.
cron.register(recompute_outcomes, "outcomes", cron="30 2 * * *", job_timeout=JOB_TIMEOUT, name="nightly-outcomes")
# Training: expiring training (60 and 30 days) and overdue inductions, every day at 06:30.
cron.register(daily_reminders_job, "default", cron="30 6 * * *", job_timeout=30 * 60)
# Good Care Recruitment: follow-up check-ins due and placement retention, every morning at 07:00.
cron.register(run_follow_ups, "default", cron="0 7 * * *", job_timeout=600)
# Privacy: anonymise ended applications past their retention period and delete old unsent drafts,
# monthly (1st, 03:30; academy/privacy/retention.py).
cron.register(retention_job, "default", cron="30 3 1 * *", job_timeout=30 * 60, name="monthly-retention")
# Career tiers: lapse notices and lapses (mandatory training expired past TIER_LAPSE_GRACE_DAYS), daily at 06:45.
cron.register(tier_lapse_job, "default", cron="45 6 * * *", job_timeout=30 * 60, name="daily-tier-lapse")
# Career tiers: ask managers to endorse staff newly eligible for a higher tier, daily at 07:15.
cron.register(endorsement_requests_job, "default", cron="15 7 * * *", job_timeout=30 * 60,
              name="daily-tier-endorsement-requests")
# Good Care Recruitment: the day-before interview reminders, hourly at :10 (each claimed once).
cron.register(interview_reminders_job, "default", cron="10 * * * *", job_timeout=600, name="hourly-interview-reminders")
# Staff voice: close polls past their date, open the quarter's pulse, email polls opening today; daily at 06:50.
cron.register(voice_daily_job, "default", cron="50 6 * * *", job_timeout=30 * 60, name="daily-staff-voice")
