// Analytics (write): every Community node with its IN_COMMUNITY edges, before a run rewrites them all
// (cheaper than moving most authors one edge at a time when a change renumbers most communities).
MATCH (c:Community)
DETACH DELETE c
