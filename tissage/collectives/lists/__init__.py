"""The discussion list of a collective: posting (from the web or by email), the archive
and its search, attachments, reports and moderation; its mail is in `lists.mail`."""
