from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N, with ?page_size=M (up to 500) for clients that want bigger pages."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
