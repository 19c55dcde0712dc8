// Analytics (read): every author, with its key as authorship_nodes gives it (node), in the store's order:
// the run sorts them by id as it computes (the memberships the last run stored come from
// author_memberships). The co-authorship graph needs every author.
MATCH (a:Author)
RETURN a.id AS id, a.id AS node
