-- Trigram matching backs the notes search fallback (CJK text and substrings that
-- full-text search cannot find). Available on PGlite, Neon and stock PostgreSQL.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
