"""Which events are votes: the SQL fragments every reader of labels shares (no imports, so any store
module can take them without a cycle)."""

FLAG = "flag"  # the source of a note event that flags its unit as unsure

# label events that answered a control item: never a vote
CONTROL_ANSWERS = "(SELECT event_id FROM control_answers)"
# where a training session's labels come from (events.source): neither votes nor control answers
TRAINING = "training"
# label events that are no vote: control answers and training answers
NOT_VOTES = (f"(SELECT event_id FROM control_answers UNION ALL SELECT id FROM events INDEXED BY events_suggested "
             f"WHERE source = '{TRAINING}')")
