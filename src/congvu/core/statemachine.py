"""Explicit state machines: a transition table with guards, each transition an audit event.

Usage in an app::

    DOCUMENT_FLOW = StateMachine(
        field="status",
        transitions=[
            Transition("submit", source={"draft"}, target="review", label=_("Trình duyệt")),
            Transition("approve", source={"review"}, target="approved",
                       guard=lambda doc, actor: actor_is_leader(actor, doc) or _("Chỉ lãnh đạo được duyệt")),
        ],
    )

    # in a service, inside transaction.atomic() with the row locked (select_for_update):
    DOCUMENT_FLOW.apply(doc, "approve", actor=user, note="...")

A guard returns ``True`` to allow, or ``False``/a message to refuse.  :meth:`StateMachine.apply`
checks the source state and the guard, sets the field, saves, and writes the audit event in
the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from . import audit
from .errors import Conflict, Forbidden

Guard = Callable[[Any, Any], bool | str]


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str] | set[str]
    target: str
    label: str = ""
    guard: Guard | None = None
    requires_note: bool = False
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def check(self, obj: Any, actor: Any) -> str | None:
        """None when the guard allows, else the refusal message."""
        if self.guard is None:
            return None
        verdict = self.guard(obj, actor)
        if verdict is True:
            return None
        return str(verdict) if verdict else _("Bạn không có quyền thực hiện thao tác này.")


class StateMachine:
    def __init__(self, *, field: str, transitions: Iterable[Transition], action_prefix: str = "") -> None:
        self.field = field
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"duplicate transition {transition.name}")
            self.transitions[transition.name] = transition
        self.action_prefix = action_prefix

    def states(self) -> set[str]:
        out: set[str] = set()
        for t in self.transitions.values():
            out |= set(t.source) | {t.target}
        return out

    def available(self, obj: Any, actor: Any) -> list[Transition]:
        """Transitions the actor may take now (source matches and guard allows)."""
        state = getattr(obj, self.field)
        return [t for t in self.transitions.values() if state in t.source and t.check(obj, actor) is None]

    def can(self, obj: Any, name: str, actor: Any) -> bool:
        t = self.transitions.get(name)
        return bool(t) and getattr(obj, self.field) in t.source and t.check(obj, actor) is None

    def apply(self, obj: models.Model, name: str, *, actor: Any, note: str = "",
              changes: dict | None = None, save: bool = True, update_fields: list[str] | None = None):
        try:
            transition = self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(_("Thao tác không tồn tại: %(name)s") % {"name": name}) from None
        current = getattr(obj, self.field)
        if current not in transition.source:
            raise TransitionNotAllowed(
                _("Không thể “%(action)s” khi đang ở trạng thái “%(state)s”.")
                % {"action": transition.label or name, "state": _state_label(obj, self.field, current)}
            )
        refusal = transition.check(obj, actor)
        if refusal is not None:
            raise Forbidden(refusal)
        if transition.requires_note and not (note or "").strip():
            from .errors import ValidationFailed

            raise ValidationFailed(_("Cần nhập ý kiến/lý do."), field="note")
        setattr(obj, self.field, transition.target)
        if save:
            fields = None if update_fields is None else list({*update_fields, self.field})
            obj.save(update_fields=fields)
        return audit.record(
            action=f"{self.action_prefix}{name}",
            actor=actor,
            obj=obj,
            from_state=current,
            to_state=transition.target,
            note=note,
            changes=changes,
        )


def _state_label(obj: Any, field_name: str, value: str) -> str:
    try:
        f = obj._meta.get_field(field_name)
        return str(dict(f.flatchoices).get(value, value))
    except Exception:  # noqa: BLE001 - non-model objects in tests
        return value
