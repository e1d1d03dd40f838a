"""Thin Celery tasks of the workforce app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="congvu.workforce.tasks.slow_solve_plan", acks_late=True, max_retries=0,
             soft_time_limit=15 * 60)
def solve_plan(plan_id: int) -> str:
    from .services import plan_solve

    plan = plan_solve(plan_id=plan_id)
    return plan.status if plan is not None else "missing"
