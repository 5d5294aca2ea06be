"""The pages of verbatim analytics (issue 17), a module per part: the theme analysis (`analysis`), the codebook,
the verbatim search."""
"""The pages of verbatim analytics (issue 17): the codebook, the theme analysis, the verbatim search."""
"""The pages of verbatim analytics (issue 17): the codebook (codebook.py), the theme analysis, the search."""
