// Analytics (write): Community nodes the new run no longer has ($ids), with their IN_COMMUNITY edges.
MATCH (c:Community)
WHERE c.id IN $ids
DETACH DELETE c
