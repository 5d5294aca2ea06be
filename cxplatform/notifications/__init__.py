"""In-app notifications (the bell in the header) and their email, batched per recipient.

Any app notifies through `services.notify` (a mention in a comment, a comment on what someone owns); the
notification names its source generically (content type and id), so this app depends on none of them. The
email follows after commit, a little later (NOTIFICATION_EMAIL_DELAY), as one message per recipient with every
notification not yet read nor emailed (tasks.send_notification_email).
"""
