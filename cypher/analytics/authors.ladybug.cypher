// Analytics (read): every author, with its node offset (as authorship_nodes gives it), in the store's
// order: the run sorts them by id as it computes, beside an update's checkpoint (the memberships the last
// run stored come from author_memberships; one query with OPTIONAL MATCH, collect and ORDER BY took 7
// times as long at 100k papers, before the checkpoint could start).
MATCH (a:Author)
RETURN a.id AS id, offset(id(a)) AS node
