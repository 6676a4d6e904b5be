"""The outbound door: renders what the outbox holds and hands it to the world (SMTP today), and
the worker that drains the outbox. An adapter like web/ and api/: domains never import it."""
