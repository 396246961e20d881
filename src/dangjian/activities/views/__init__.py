"""Pages of the activities app: ``staff`` (organizers) and ``mine`` (a volunteer's own, the
check-in page and the portal's public list)."""
