-- Orders, their items, and the projection of known users fed by user.* events.

-- Users this service has heard of (user.created, user.deleted, or a lookup at the
-- user-service); a deleted user keeps its row so late events cannot bring it back.
CREATE TABLE users (
    id         uuid        PRIMARY KEY,
    email      text        NOT NULL,
    name       text        NOT NULL,
    deleted    boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id                   uuid        PRIMARY KEY,
    user_id              uuid        NOT NULL REFERENCES users (id),
    kind                 text        NOT NULL CHECK (kind IN ('welcome', 'standard')),
    status               text        NOT NULL
        CHECK (status IN ('pending', 'paid', 'payment_failed', 'cancelled')),
    total_cents          bigint      NOT NULL CHECK (total_cents > 0),
    currency             text        NOT NULL DEFAULT 'USD',
    payment_id           uuid,
    payment_status       text        CHECK (payment_status IN ('completed', 'failed')),
    payment_amount_cents bigint,
    payment_reason       text,
    payment_processed_at timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
-- Exactly one welcome order per user, even when two deliveries race.
CREATE UNIQUE INDEX orders_one_welcome_per_user ON orders (user_id) WHERE kind = 'welcome';
CREATE INDEX orders_by_user ON orders (user_id, created_at DESC);
CREATE INDEX orders_by_time ON orders (created_at DESC, id);

CREATE TABLE order_items (
    order_id    uuid    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    product_id  text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 9999),
    price_cents bigint  NOT NULL CHECK (price_cents > 0),
    PRIMARY KEY (order_id, position)
);
