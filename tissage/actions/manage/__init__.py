"""The facilitators' side of an action: create, edit (one date or a series), cancel."""
