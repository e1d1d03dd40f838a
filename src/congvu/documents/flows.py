"""The state machines of incoming and outgoing documents (every transition is an audit event)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congvu.core.statemachine import StateMachine, Transition

INCOMING = StateMachine(field="status", action_prefix="documents.incoming.", transitions=[
    Transition("register", source={"received"}, target="registered", label=_("Vào sổ")),
    Transition("submit", source={"registered", "submitted"}, target="submitted", label=_("Trình lãnh đạo")),
    Transition("direct", source={"registered", "submitted", "directed", "in_progress"}, target="directed",
               label=_("Bút phê, chỉ đạo")),
    Transition("start", source={"directed"}, target="in_progress", label=_("Bắt đầu xử lý")),
    Transition("finish", source={"directed", "in_progress"}, target="done", label=_("Hoàn thành xử lý")),
    Transition("recall", source={"received", "registered", "submitted", "directed", "in_progress", "done"},
               target="recalled", label=_("Thu hồi (theo bên gửi)")),
])

OUTGOING = StateMachine(field="status", action_prefix="documents.outgoing.", transitions=[
    Transition("submit", source={"draft", "returned"}, target="in_review", label=_("Trình duyệt")),
    Transition("forward", source={"in_review"}, target="in_review", label=_("Chuyển tiếp lên cấp trên")),
    Transition("return", source={"in_review"}, target="returned", label=_("Trả lại để sửa"), requires_note=True),
    Transition("approve", source={"in_review"}, target="approved", label=_("Duyệt")),
    Transition("issue", source={"approved"}, target="issued", label=_("Cấp số, ban hành")),
    Transition("recall", source={"issued"}, target="recalled", label=_("Thu hồi"), requires_note=True),
    Transition("replace", source={"issued"}, target="replaced", label=_("Bị thay thế")),
])
