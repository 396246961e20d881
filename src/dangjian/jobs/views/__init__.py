"""Pages of 就业, by subject: postings, seekers (with placement and export), training, public."""
