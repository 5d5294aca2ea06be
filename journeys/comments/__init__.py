"""Comment threads on a journey and on what is on its map (stages, touchpoints, findings), and on the
improvement actions of another app (named by kind and id only: journeys imports no teams).

models: Comment and CommentThread (imported by journeys.models); targets: what a thread is about (its kind, its
journey, who owns it, its label); services: add, edit, delete, resolve and reopen, with the mentions and
notifications; selectors: a thread, the counts on the map; views: the thread dialog and the mention picker.
"""
