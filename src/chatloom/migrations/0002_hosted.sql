-- Hosted mode (chatloom.hosted.postgres): sessions, the thread directory, published
-- workflow versions.
CREATE TABLE chatloom_sessions (
    id text PRIMARY KEY,
    secret_digest text NOT NULL UNIQUE,  -- SHA-256 of the client secret; never the secret
    expires_at bigint NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX chatloom_sessions_by_expiry ON chatloom_sessions (expires_at);

CREATE TABLE chatloom_thread_owners (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    user_id text NOT NULL,
    created_us bigint NOT NULL
);
CREATE INDEX chatloom_thread_owners_by_user ON chatloom_thread_owners (user_id, created_us, seq);
CREATE INDEX chatloom_thread_owners_by_time ON chatloom_thread_owners (created_us, seq);

-- Documents as text, byte for byte as published (JSONB would reorder their keys).
CREATE TABLE chatloom_workflow_versions (
    workflow_id text NOT NULL,
    version integer NOT NULL,
    document text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, version)
);
CREATE TABLE chatloom_workflow_defaults (
    workflow_id text PRIMARY KEY,
    version integer NOT NULL,
    FOREIGN KEY (workflow_id, version) REFERENCES chatloom_workflow_versions
);
