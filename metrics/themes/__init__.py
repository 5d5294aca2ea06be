"""Verbatim analytics (issue 17): what customers say, by theme.

- `engine`: the matching rules (Snowball stems, phrases, negations, exclusions), compiled once per codebook;
- `starter`: the starter codebook for service journeys (about 25 themes, English and Dutch);
- `services`: the codebook's writes (a change raises its version and has every comment tagged again);
- `tagging`: comments tagged with their themes at ingest and after a codebook change (Verbatim, ResponseTheme);
- `selectors`: the theme figures: volume by bucket, NPS impact with its margin, points of NPS a theme costs,
  trends, quotes, a touchpoint's top negative theme;
- `evidence`: a pain point finding or an improvement action made from a theme, with its evidence;
- `search`: full-text search of the verbatims (PostgreSQL `dutch` / `english`, a LIKE on SQLite);
- `suggestions`: comments no theme matches, clustered (TF-IDF, NMF) into suggested themes.
"""
