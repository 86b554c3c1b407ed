-- Registered users. The password is kept only as an argon2id hash (libsodium's string form).
CREATE TABLE users (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text        NOT NULL,
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One account per address whatever its case; the index, not a prior SELECT, decides races.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

-- The list's order: oldest first, the id breaking ties.
CREATE INDEX users_created_at_id ON users (created_at, id);
