-- Threads, items and attachment metadata (chatloom.store.postgres).
-- Lists are ordered by (created_us, seq): creation time in microseconds, then insertion
-- order. The (scope, created_us, seq) indexes make a page O(log n + page).
CREATE TABLE chatloom_threads (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    user_id text NOT NULL,
    created_us bigint NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX chatloom_threads_by_user ON chatloom_threads (user_id, created_us, seq);

CREATE TABLE chatloom_items (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id text NOT NULL REFERENCES chatloom_threads (id) ON DELETE CASCADE,
    id text NOT NULL,
    created_us bigint NOT NULL,
    data jsonb NOT NULL,
    UNIQUE (thread_id, id)
);
CREATE INDEX chatloom_items_by_thread ON chatloom_items (thread_id, created_us, seq);

CREATE TABLE chatloom_attachments (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    thread_id text,
    data jsonb NOT NULL
);
CREATE INDEX chatloom_attachments_by_thread ON chatloom_attachments (thread_id);
