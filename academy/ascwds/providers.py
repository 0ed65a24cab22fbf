"""Which provider a workplace new to the service belongs to.

A workplace file's PROVNUM is the CQC provider ID. A new workplace with one belongs to the provider
with that ID (added if the service has none). A new workplace without one (not regulated by CQC,
or the number left out) never becomes a provider of its own: it belongs to the provider of the
workplaces it came with in the same file, when they all have one provider; otherwise to the
provider the importing person chooses before applying (`Options.provider_id`; the import page's
select, `flask import ascwds --provider`). Until one is chosen the report lists it in
`provider_needed`, and applying is refused."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from academy.workplaces.models import Provider, Workplace


def settle_providers(session, plan, state, chosen_provider_id: int | None) -> None:
    """Give each new workplace without a PROVNUM its provider (`provider_id`, or the PROVNUM of
    the file's one new provider), or list it in the report as needing a choice."""
    creates = [(i, change) for i, change in enumerate(plan.workplaces) if change.action == "create"]
    if not any(change.provnum is None for _, change in creates):
        return
    providers = session.execute(select(Provider.id, Provider.name, Provider.cqc_provider_id)).all()
    names = {provider_id: name for provider_id, name, _ in providers}
    by_number = {number: provider_id for provider_id, _, number in providers if number}
    in_file: set = set()
    existing = [workplace_id for workplace_id in state.file_workplaces.values() if workplace_id is not None]
    if existing:
        in_file.update(session.scalars(select(Workplace.provider_id).where(Workplace.id.in_(existing))))
    for _, change in creates:
        if change.provnum:
            in_file.add(by_number.get(change.provnum, change.provnum))  # an id, or a number new to the service
    shared = next(iter(in_file)) if len(in_file) == 1 else None
    report, settled = plan.report, []
    for i, change in creates:
        if change.provnum:
            continue
        label = f"{change.fields['name']} ({change.fields['ascwds_local_id']})"
        if isinstance(shared, int):
            plan.workplaces[i] = replace(change, provider_id=shared)
            report.warning("workplace", change.line, "PROVNUM", f"{label} has no CQC provider number: it joins "
                                                                f"{names[shared]}, the provider of the other "
                                                                "workplaces in the file")
        elif shared is not None:
            plan.workplaces[i] = replace(change, provnum=shared)
            report.warning("workplace", change.line, "PROVNUM", f"{label} has no CQC provider number: it joins "
                                                                f"the provider with CQC provider ID {shared}, "
                                                                "as the other workplaces in the file do")
        elif chosen_provider_id is not None and chosen_provider_id in names:
            plan.workplaces[i] = replace(change, provider_id=chosen_provider_id)
        else:
            report.provider_needed.append(label)
            report.warning("workplace", change.line, "PROVNUM", f"{label} has no CQC provider number and the other "
                                                                "workplaces in the file do not give its provider: "
                                                                "choose its provider before applying")
            continue
        settled.append(i)
    # Workplaces that join a provider another new workplace brings are added after it (so that
    # provider is named after the workplace with the number).
    moved = [plan.workplaces[i] for i in settled]
    plan.workplaces[:] = [c for i, c in enumerate(plan.workplaces) if i not in set(settled)] + moved
