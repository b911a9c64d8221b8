from django.urls import path

from gallery.views import (
    bakeoff,
    browse,
    bulk,
    compare,
    cover,
    edit,
    focal_point,
    image_review,
    image_tags,
    jobs,
    kit,
    lightbox,
    overlay,
    scoreboard,
    share,
    shared,
    shared_review,
)

app_name = "gallery"

urlpatterns = [
    # --- The image page as a lightbox. Its path is the one the image page had
    # in generation, so links made before it moved keep working.
    path("images/<uuid:image_id>/", lightbox.image_page, name="image"),
    path("images/<uuid:image_id>/download/", lightbox.download, name="image_download"),
    path("images/<uuid:image_id>/favourite/", lightbox.favourite, name="image_favourite"),
    path("images/<uuid:image_id>/delete/", lightbox.delete, name="image_delete"),
    path("images/<uuid:image_id>/tags/", image_tags.add, name="image_tag_add"),
    path("images/<uuid:image_id>/tags/suggest/", image_tags.suggest, name="image_tag_suggest"),
    path(
        "images/<uuid:image_id>/tags/<int:tag_id>/remove/",
        image_tags.remove,
        name="image_tag_remove",
    ),
    path("images/<uuid:image_id>/text/", overlay.add_text, name="image_add_text"),
    path("images/<uuid:image_id>/edit/", edit.edit_image, name="image_edit"),
    path(
        "images/<uuid:image_id>/focal-point/",
        focal_point.set_focal_point,
        name="image_focal_point",
    ),
    path("images/<uuid:image_id>/lock/", image_review.lock, name="image_lock"),
    # --- end of the lightbox
    # Batches: the history of every batch
    path("jobs/", jobs.history, name="jobs"),
    # Compare: a batch's models side by side, one row large, or 2-4 portraits from a gallery.
    path("jobs/<uuid:job_id>/compare/", compare.job_compare, name="job_compare"),
    path(
        "jobs/<uuid:job_id>/compare/rows/<int:number>/",
        compare.job_compare_row,
        name="job_compare_row",
    ),
    path("gallery/compare/", compare.chosen_compare, name="chosen_compare"),
    # The blind pick on a batch's comparison: start, vote per row, close, winner as default.
    path("jobs/<uuid:job_id>/compare/blind/", bakeoff.blind, name="job_blind"),
    path("jobs/<uuid:job_id>/compare/blind/start/", bakeoff.start, name="job_blind_start"),
    path("jobs/<uuid:job_id>/compare/blind/close/", bakeoff.close, name="job_blind_close"),
    path(
        "jobs/<uuid:job_id>/compare/blind/rows/<int:number>/vote/",
        bakeoff.vote,
        name="job_blind_vote",
    ),
    path(
        "jobs/<uuid:job_id>/compare/blind/rows/<int:number>/default/",
        bakeoff.make_default,
        name="job_blind_default",
    ),
    # The scoreboard: each model's wins, cost, times and failures in the workspace's history.
    path("scoreboard/", scoreboard.scoreboard_page, name="scoreboard"),
    # Galleries: the workspace's, a persona's (shown on its page), filters, bulk actions, covers.
    path("gallery/", browse.gallery, name="gallery"),
    path("gallery/filters/", browse.filters, name="filters"),
    path("gallery/bulk/", bulk.bulk, name="bulk"),
    path("personas/<uuid:pk>/portraits/", browse.persona_gallery, name="persona_gallery"),
    path("personas/<uuid:pk>/portraits/filters/", browse.persona_filters, name="persona_filters"),
    path("personas/<uuid:pk>/cover/", cover.set_cover, name="persona_cover"),
    # A persona kit: chosen portraits cropped around their focal points, the card, a disclosure.
    path("personas/<uuid:pk>/kit/", kit.persona_kit, name="persona_kit"),
    # Share links: the team's side (make, list, revoke) and the page a link opens, without an
    # account (its paths name the token and positions, never an image, batch or workspace).
    path("share-links/", share.share_list, name="share_links"),
    path("share-links/new/", share.share_new, name="share_new"),
    path("share-links/<uuid:link_id>/revoke/", share.share_revoke, name="share_revoke"),
    path("s/<str:token>/", shared.shared, name="shared"),
    path("s/<str:token>/unlock/", shared.unlock, name="shared_unlock"),
    path("s/<str:token>/images/<str:ticket>/", shared.shared_image, name="shared_image"),
    path("s/<str:token>/name/", shared_review.give_name, name="shared_name"),
    path("s/<str:token>/<int:position>/review/", shared_review.review, name="shared_review"),
]
