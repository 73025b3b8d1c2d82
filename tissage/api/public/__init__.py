"""The public read side of the API: one router per domain, what an anonymous visitor of
the site sees (issue #18 §1)."""
