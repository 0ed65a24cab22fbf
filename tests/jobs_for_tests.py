"""Job functions the job tests enqueue (importable by a real worker process)."""
from academy.auth.audit import audit
from academy.jobs import report_progress
from academy.unit_of_work import job


@job
def record_steps(steps: int, action: str) -> int:
    """Reports progress at each step, then writes one audit event, proving DB access in the job."""
    for step in range(1, steps + 1):
        report_progress(100 * step // steps, f"Step {step} of {steps}")
    audit(action, detail=f"{steps} steps")
    return steps


@job
def fail_always() -> None:
    raise RuntimeError("this job always fails")
