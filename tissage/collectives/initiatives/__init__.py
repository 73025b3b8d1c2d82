"""Initiatives of a collective: an idea a member proposes, the team that forms around it in
its own discussion, and the project of the organisation it may become."""
