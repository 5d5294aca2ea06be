"""The pages of verbatim analytics (issue 17): the codebook, the tagging progress, the theme analysis, the
verbatim search."""
