// Loader: remove papers with every edge they have (authorships, affiliations, mentions, proposals, reports).
UNWIND $ids AS id
MATCH (p:Paper {id: id})
DETACH DELETE p
