"""Forces vives: people who say what they can do, and facilitators who invite them."""
