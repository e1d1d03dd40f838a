from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("congvu.web.urls")),
    path("accounts/", include("congvu.accounts.urls")),
    path("lich-lam-viec/", include("congvu.workforce.urls")),
    path("", include("congvu.signing.urls")),
    path("van-ban/", include("congvu.documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "congvu.web.views.bad_request"
handler403 = "congvu.web.views.permission_denied"
handler404 = "congvu.web.views.page_not_found"
handler500 = "congvu.web.views.server_error"
