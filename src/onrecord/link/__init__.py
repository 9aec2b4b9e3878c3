"""The linking rules: which articles are copies, which are about one story, which reports are one
statement, which names are one person, which spellings are one outlet.

Everything here is pure (no SQLite, no Spark). The store asks these functions about each new article
against the candidates it fetched with SQL; the Spark job asks the very same functions inside its
partitions. A decision never depends on the order articles arrive in.
"""
