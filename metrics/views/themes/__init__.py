"""The pages of verbatim analytics (issue 17): the codebook (codebook.py), the theme analysis, the search."""
