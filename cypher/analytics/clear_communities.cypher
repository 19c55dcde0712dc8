// Analytics (write): forget the previous community run (Community nodes and their IN_COMMUNITY edges).
MATCH (c:Community)
DETACH DELETE c
