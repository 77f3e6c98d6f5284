-- Hosted mode's run traces (chatloom.hosted.postgres_state.PostgresTraceStore): the last
-- runs of each thread, newest first by seq.
CREATE TABLE chatloom_workflow_runs (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    thread_id text NOT NULL,
    item_id text,
    trace jsonb NOT NULL
);
CREATE INDEX chatloom_workflow_runs_by_thread ON chatloom_workflow_runs (thread_id, seq);
