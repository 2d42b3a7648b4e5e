"""Browser pages of the scenarios app: ``scenarios`` (inventory, registration, queue, review, actions) and
``evaluations`` (campaigns, the evaluator's queue and the report form)."""
