"""Gallery pages, split by area: browsing (grid, filters), bulk actions, persona covers."""
