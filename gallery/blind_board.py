"""What one person sees of a blind pick (gallery.bakeoffs): per row, the candidates as
"Portrait A, B, C..." in that person's own order with their finished portraits, and, once the
row is revealed to them (they have voted in it, or the vote is closed), the models' names, the
tally; once the vote is closed, who voted for what (while it is open, everyone sees who has
voted, but not for which portrait).

Until then the row shows nothing that gives a model away: no name, no cost, no time, no link to
the image page (which names the model), and the thumbnails (always WebP), not the originals whose
format differs by provider. Three queries whatever the size: the rows with their votes and
voters, and the batch's images.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog import model_name
from gallery.bakeoffs import LETTERS, blind_order
from gallery.compare import RowKey, compare_job
from gallery.models import BakeOff, BakeOffRow, RowOutcome
from generation.models import Image


@dataclass
class Choice:
    letter: str
    model_id: str
    name: str
    images: list[Image]
    votes: int | None = None  # the tally, once revealed
    voters: list[str] = field(default_factory=list)  # who picked it, once the vote is closed


@dataclass
class BoardRow:
    row: BakeOffRow
    choices: list[Choice]
    revealed: bool
    my_pick: str  # the letter this person picked, "" before they vote
    voters: list[str]  # emails of everyone who voted in the row

    @property
    def title(self) -> str:
        return f"{self.row.persona_name} · {self.row.style_name}"

    @property
    def winner_name(self) -> str:
        return model_name(self.row.winner_model_id) if self.row.winner_model_id else ""

    @property
    def result(self) -> str:
        """The closed row's outcome in words; "" while the vote is open."""
        row = self.row
        if row.outcome == RowOutcome.WON:
            return f"Winner: {self.winner_name}"
        if row.outcome == RowOutcome.TIED:
            return "Tied: " + " and ".join(model_name(m) for m in row.tied_model_ids)
        if row.outcome == RowOutcome.NO_VOTES:
            return "No votes"
        return ""


@dataclass
class Board:
    rows: list[BoardRow]
    left_out: int  # rows of the compare view not voted on: fewer than two models finished


def board(bakeoff: BakeOff, user_id: int) -> Board:
    comparison = compare_job(bakeoff.job)
    portraits: dict[tuple[RowKey, str], list[Image]] = {
        (row.key, cell.column.model_id): [i for i in cell.images if i.is_done]
        for row in comparison.rows
        for cell in row.cells
    }
    rows = [
        _board_row(bakeoff, row, user_id, portraits)
        for row in bakeoff.rows.prefetch_related("votes__voter")
    ]
    return Board(rows, max(len(comparison.rows) - len(rows), 0))


def _board_row(
    bakeoff: BakeOff,
    row: BakeOffRow,
    user_id: int,
    portraits: dict[tuple[RowKey, str], list[Image]],
) -> BoardRow:
    votes = sorted(row.votes.all(), key=lambda vote: vote.cast_at)
    mine = next((vote.model_id for vote in votes if vote.voter_id == user_id), "")
    closed = not bakeoff.is_open
    revealed = bool(mine) or closed
    key: RowKey = (row.persona_id, row.persona_name, row.style_key)
    choices = [
        Choice(
            letter,
            model_id,
            model_name(model_id) if revealed else "",
            portraits.get((key, model_id), []),
            sum(1 for vote in votes if vote.model_id == model_id) if revealed else None,
            [vote.voter.email for vote in votes if vote.model_id == model_id] if closed else [],
        )
        for letter, model_id in zip(LETTERS, blind_order(row, user_id), strict=False)
    ]
    my_pick = next((c.letter for c in choices if mine and c.model_id == mine), "")
    return BoardRow(row, choices, revealed, my_pick, [vote.voter.email for vote in votes])
