-- One simulated payment per order: the unique order_id makes a second one impossible.
CREATE TABLE payments (
    id           uuid        PRIMARY KEY,
    order_id     uuid        NOT NULL UNIQUE,
    user_id      uuid        NOT NULL,
    amount_cents bigint      NOT NULL CHECK (amount_cents > 0),
    currency     text        NOT NULL DEFAULT 'USD',
    status       text        NOT NULL CHECK (status IN ('completed', 'failed')),
    reason       text,
    processed_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_by_time ON payments (processed_at DESC, id);
