"""The list by email: incoming mail (mail-in, IMAP fetch, reply parsing), the copies sent
to the members, daily digests and the one-click unsubscribe."""
