from django.urls import path

from . import views
from .editions import signals as edition_signals
from .editions import statistics as edition_stats
from .editions import views as editions

app_name = "reports"
urlpatterns = [
    path(
        "utvecklingsomraden/", views.DevelopmentAreaListView.as_view(), name="development_area_list"
    ),
    path(
        "utvecklingsomraden/ny/",
        views.DevelopmentAreaCreateView.as_view(),
        name="development_area_create",
    ),
    path(
        "utvecklingsomraden/<int:pk>/",
        views.DevelopmentAreaDetailView.as_view(),
        name="development_area_detail",
    ),
    path(
        "utvecklingsomraden/<int:pk>/andra/",
        views.DevelopmentAreaEditView.as_view(),
        name="development_area_edit",
    ),
    path(
        "utvecklingsomraden/<int:pk>/uppfoljning/",
        views.DevelopmentAreaFollowUpView.as_view(),
        name="development_area_follow_up",
    ),
]

# Sammanställning och analys (issue #7): /rapporter/analys/…
from reports.analysis.urls import urlpatterns as _analysis_urls  # noqa: E402

urlpatterns += _analysis_urls

# Kvalitetsberättelse (issue #8): editions, statistics, compiled PDFs.
urlpatterns += [
    path("", editions.EditionListView.as_view(), name="edition_list"),
    path("ny/", editions.EditionCreateView.as_view(), name="edition_create"),
    path("statistik/", edition_stats.StatisticsView.as_view(), name="statistics"),
    path("statistik/xlsx/", edition_stats.StatisticsExportView.as_view(), name="statistics_xlsx"),
    path(
        "statistik/signaler/",
        edition_signals.StatisticsSignalsView.as_view(),
        name="statistics_signals",
    ),
    path("<int:pk>/", editions.EditionDetailView.as_view(), name="edition_detail"),
    path("<int:pk>/uppgifter/", editions.EditionMetaView.as_view(), name="edition_meta"),
    path("<int:pk>/logotyp/", editions.LogoView.as_view(), name="edition_logo"),
    path("<int:pk>/avsnitt/", editions.SectionAddView.as_view(), name="section_add"),
    path(
        "<int:pk>/avsnitt/<int:section_pk>/rubrik/",
        editions.SectionRenameView.as_view(),
        name="section_rename",
    ),
    path(
        "<int:pk>/avsnitt/<int:section_pk>/ta-bort/",
        editions.SectionDeleteView.as_view(),
        name="section_delete",
    ),
    path(
        "<int:pk>/avsnitt/<int:section_pk>/flytta/",
        editions.SectionMoveView.as_view(),
        name="section_move",
    ),
    path(
        "<int:pk>/avsnitt/<int:section_pk>/block/",
        editions.BlockAddView.as_view(),
        name="block_add",
    ),
    path("<int:pk>/block/<int:block_pk>/", editions.BlockSaveView.as_view(), name="block_save"),
    path(
        "<int:pk>/block/<int:block_pk>/ta-bort/",
        editions.BlockDeleteView.as_view(),
        name="block_delete",
    ),
    path(
        "<int:pk>/block/<int:block_pk>/siffror/",
        editions.BlockPreviewView.as_view(),
        name="block_preview",
    ),
    path(
        "<int:pk>/granskning/",
        editions.TransitionView.as_view(action="submit"),
        name="edition_submit",
    ),
    path(
        "<int:pk>/utkast/", editions.TransitionView.as_view(action="return"), name="edition_return"
    ),
    path(
        "<int:pk>/godkann/",
        editions.TransitionView.as_view(action="approve"),
        name="edition_approve",
    ),
    path("<int:pk>/kompilera/", editions.CompileView.as_view(), name="edition_compile"),
    path("<int:pk>/kompilera/<int:job_pk>/", editions.JobView.as_view(), name="edition_job"),
    path("<int:pk>/pdf/", editions.CompiledDownloadView.as_view(), name="edition_pdf"),
    path(
        "<int:pk>/pdf/<int:compiled_pk>/",
        editions.CompiledDownloadView.as_view(),
        name="compiled_pdf",
    ),
]
