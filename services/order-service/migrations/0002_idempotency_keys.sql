-- The first response to a POST with an Idempotency-Key, replayed when the key comes again.
CREATE TABLE idempotency_keys (
    key        text        PRIMARY KEY,
    request    text        NOT NULL, -- the request body as canonical JSON
    status     integer     NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
