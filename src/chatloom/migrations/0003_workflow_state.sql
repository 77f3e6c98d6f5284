-- Hosted mode's per-thread workflow state (chatloom.hosted.postgres_state): the record a
-- run leaves for the next, versioned, and a lease saying which run holds the thread.
CREATE TABLE chatloom_workflow_state (
    thread_id text PRIMARY KEY,
    version bigint NOT NULL,
    record jsonb NOT NULL
);
CREATE TABLE chatloom_workflow_leases (
    thread_id text PRIMARY KEY,
    holder text NOT NULL,
    expires double precision NOT NULL  -- seconds since the epoch
);
