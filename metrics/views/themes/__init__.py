"""The pages of verbatim analytics (issue 17): the codebook, the theme analysis, the verbatim search."""
