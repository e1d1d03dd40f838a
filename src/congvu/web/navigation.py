"""Main navigation.  An entry shows when its URL exists (its app is installed)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it — empty: everyone signed in)
NAV = [
    (_("Việc của tôi"), "web:home", ()),
    (_("Văn bản đến"), "documents:incoming", ()),
    (_("Văn bản đi"), "documents:outgoing", ()),
    (_("Tìm văn bản"), "documents:search", ()),
    (_("Nhiệm vụ"), "directives:list", ()),
    (_("Một cửa"), "onestop:queue", ()),
    (_("Lịch làm việc"), "workforce:my_schedule", ()),
    (_("Điểm danh"), "workforce:checkin", ()),
    (_("Cuộc họp"), "meetings:list", ()),
    (_("Báo cáo"), "reporting:dashboard", ()),
    (_("Chữ ký số"), "signing:verify", ()),
    (_("Tổ chức"), "web:organisation", ()),
]


def nav_items(request) -> list[dict]:
    user = request.user
    roles = user.role_codes() if user.is_authenticated else set()
    items = []
    for label, name, needed in NAV:
        if needed and not (set(needed) & roles) and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url or (
            url != "/" and request.path.startswith(url))})
    return items
