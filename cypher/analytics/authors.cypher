// Analytics (read): every author, so authors without co-authors still get a community.
MATCH (a:Author)
RETURN a.id AS id, a.name AS name, a.is_group AS is_group
