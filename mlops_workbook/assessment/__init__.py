"""A team's assessment: rubrics, answers, gated scoring, progress over time, and the answers folder (the store)."""
