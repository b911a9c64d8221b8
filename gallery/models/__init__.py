"""The gallery's tables: what a team adds to its portraits (curation), the blind pick
(bakeoffs) and sharing outside the workspace (sharing)."""

from .bakeoffs import BakeOff, BakeOffRow, RowOutcome, Vote
from .curation import TAG_MAX_LENGTH, Favourite, FocalPoint, ImageTag, PersonaCover, Tag
from .sharing import (
    ImageReview,
    Review,
    ReviewDecision,
    ReviewState,
    SharedImage,
    ShareKind,
    ShareLink,
)

__all__ = [
    "TAG_MAX_LENGTH",
    "BakeOff",
    "BakeOffRow",
    "Favourite",
    "FocalPoint",
    "ImageReview",
    "ImageTag",
    "PersonaCover",
    "Review",
    "ReviewDecision",
    "ReviewState",
    "RowOutcome",
    "ShareKind",
    "ShareLink",
    "SharedImage",
    "Tag",
    "Vote",
]
