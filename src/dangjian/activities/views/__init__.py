"""Pages of the activities app: ``staff`` (organizers), ``records`` (the staff's training, awards
and evaluation entries) and ``mine`` (a volunteer's own, the check-in page and the portal's public
list)."""
