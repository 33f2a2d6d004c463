/**
 * DDL of the embedded adapter. Every statement is idempotent (IF NOT EXISTS), so `init()` can run
 * it on every start; structural changes after v1 go into `MIGRATIONS`, keyed by the version they
 * produce, and are applied once each according to `PRAGMA user_version`.
 *
 * Conventions:
 * - Timestamps are TEXT in `Date#toISOString()` form (UTC, millisecond precision), so text
 *   comparison and ORDER BY follow time. Columns that are compared (task created/due/follow_up,
 *   timer due_at) are normalised on write (see rows.ts `isoUtc`).
 * - Nested values are TEXT holding JSON (`*_json` columns); queryable scalars are real columns.
 * - Projections (tasks, task_candidates, subscriptions, timers) hang off an instance and are
 *   replaced wholesale by each commit; the instance row also holds them as JSON (authoritative).
 */
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 3;

export const DDL = `
CREATE TABLE IF NOT EXISTS deployments (
  id TEXT PRIMARY KEY,
  name TEXT,
  source TEXT,
  deployment_time TEXT NOT NULL,
  tenant_id TEXT
);
CREATE INDEX IF NOT EXISTS deployments_by_source ON deployments (source, deployment_time);
CREATE INDEX IF NOT EXISTS deployments_by_time ON deployments (deployment_time);

CREATE TABLE IF NOT EXISTS resources (
  id TEXT PRIMARY KEY,
  deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  content TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_deployment ON resources (deployment_id);
CREATE INDEX IF NOT EXISTS resources_by_name ON resources (name);

CREATE TABLE IF NOT EXISTS definitions (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  name TEXT,
  version INTEGER NOT NULL,
  version_tag TEXT,
  deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  resource_name TEXT NOT NULL,
  hash TEXT NOT NULL,
  executable INTEGER NOT NULL,
  model_json TEXT NOT NULL,
  xml TEXT NOT NULL,
  history_ttl INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS definitions_by_key_version ON definitions (key, version);
CREATE INDEX IF NOT EXISTS definitions_by_deployment ON definitions (deployment_id);

CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  definition_id TEXT NOT NULL,
  definition_key TEXT NOT NULL,
  business_key TEXT,
  state TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT,
  start_user_id TEXT,
  super_instance_id TEXT,
  super_execution_id TEXT,
  root_instance_id TEXT NOT NULL,
  engine_state_json TEXT,
  variables_json TEXT NOT NULL,
  tasks_json TEXT NOT NULL,
  subscriptions_json TEXT NOT NULL,
  timers_json TEXT NOT NULL,
  last_error TEXT,
  delete_reason TEXT
);
CREATE INDEX IF NOT EXISTS instances_by_business_key ON instances (business_key);
CREATE INDEX IF NOT EXISTS instances_by_definition_key ON instances (definition_key, state);
CREATE INDEX IF NOT EXISTS instances_by_definition_id ON instances (definition_id);
CREATE INDEX IF NOT EXISTS instances_by_state ON instances (state, start_time);
CREATE INDEX IF NOT EXISTS instances_by_start ON instances (start_time, id);
CREATE INDEX IF NOT EXISTS instances_by_super ON instances (super_instance_id);

CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  execution_id TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_key TEXT NOT NULL,
  task_definition_key TEXT NOT NULL,
  name TEXT,
  assignee TEXT,
  owner TEXT,
  candidate_users_json TEXT NOT NULL,
  candidate_groups_json TEXT NOT NULL,
  created TEXT NOT NULL,
  due TEXT,
  follow_up TEXT,
  priority INTEGER NOT NULL,
  form_key TEXT,
  business_key TEXT,
  local_variables_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_assignee ON tasks (assignee, created);
CREATE INDEX IF NOT EXISTS tasks_by_instance ON tasks (instance_id);
CREATE INDEX IF NOT EXISTS tasks_by_due ON tasks (due);
CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks (created, id);
CREATE INDEX IF NOT EXISTS tasks_by_task_definition_key ON tasks (task_definition_key);
CREATE INDEX IF NOT EXISTS tasks_by_definition_key ON tasks (definition_key);
CREATE INDEX IF NOT EXISTS tasks_by_business_key ON tasks (business_key);

-- One row per candidate user/group of a task; candidate queries look up task ids by (kind, value).
CREATE TABLE IF NOT EXISTS task_candidates (
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'group')),
  value TEXT NOT NULL,
  PRIMARY KEY (task_id, kind, value)
);
CREATE INDEX IF NOT EXISTS task_candidates_by_value ON task_candidates (kind, value, task_id);

-- Subscription ids need only be unique within their instance.
CREATE TABLE IF NOT EXISTS subscriptions (
  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  pos INTEGER NOT NULL,
  business_key TEXT,
  definition_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  PRIMARY KEY (instance_id, id)
);
CREATE INDEX IF NOT EXISTS subscriptions_by_name ON subscriptions (kind, name);

-- instance_id is an instance's id, or 'schedule:<key>' for timer start events (no instance).
CREATE TABLE IF NOT EXISTS timers (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  timer_type TEXT,
  handler TEXT,
  retries INTEGER,
  retry_cycle TEXT,
  exception_message TEXT,
  failed_at TEXT
);
CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_at, id);

-- Named JSON values shared by all processes (e.g. the controlled clock).
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS timers_by_instance ON timers (instance_id);

-- History is deliberately not tied to instances by foreign keys: purgeInstances deletes it explicitly.
CREATE TABLE IF NOT EXISTS activity_history (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_key TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  activity_name TEXT,
  activity_type TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT,
  canceled INTEGER NOT NULL,
  task_id TEXT,
  assignee TEXT,
  called_process_instance_id TEXT,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_history_by_instance ON activity_history (instance_id, start_time, seq);

CREATE TABLE IF NOT EXISTS task_history (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_key TEXT NOT NULL,
  task_definition_key TEXT NOT NULL,
  name TEXT,
  assignee TEXT,
  candidate_groups_json TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT,
  due TEXT,
  delete_reason TEXT,
  business_key TEXT
);
CREATE INDEX IF NOT EXISTS task_history_by_instance ON task_history (instance_id);
CREATE INDEX IF NOT EXISTS task_history_by_assignee ON task_history (assignee);
CREATE INDEX IF NOT EXISTS task_history_by_business_key ON task_history (business_key);

CREATE TABLE IF NOT EXISTS variable_history (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  definition_key TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  value_json TEXT,
  create_time TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS variable_history_by_instance ON variable_history (instance_id, name);

-- The outbox; rowid keeps insertion order for equal created_at.
CREATE TABLE IF NOT EXISTS follow_ups (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS follow_ups_by_created ON follow_ups (created_at);
`;

/**
 * Migrations to apply on top of v1 (`DDL` is and stays the v1 schema), as `[resultingVersion, sql]`,
 * in order. A fresh database runs `DDL` and then every migration.
 */
export const MIGRATIONS: Array<[number, string]> = [
  // v2: the owning organisation of an instance, copied to its tasks and task history; the access
  // filters (queries.ts `access`) look rows up by it. Rows written before read as NULL (no owner).
  [2, `
ALTER TABLE instances ADD COLUMN organisation TEXT;
ALTER TABLE tasks ADD COLUMN organisation TEXT;
ALTER TABLE task_history ADD COLUMN organisation TEXT;
CREATE INDEX IF NOT EXISTS instances_by_organisation ON instances (organisation, start_time);
CREATE INDEX IF NOT EXISTS tasks_by_organisation ON tasks (organisation, created);
CREATE INDEX IF NOT EXISTS task_history_by_organisation ON task_history (organisation, start_time);
`],
  // v3: the case of each in-app notification and e-mail dead letter, so that case deletion
  // (src/kim/deletion.ts) removes them (src/store/sqlite/inbox.ts `deleteByCase`). The tables are the
  // inbox's (`SqliteInbox.schema`, executed after the migrations): a database without them gets them
  // here in their v2 shape first, so that the column is added the same way everywhere. Rows written
  // before read as case_id NULL (no case known: never matched by a case deletion).
  [3, `
CREATE TABLE IF NOT EXISTS notifications (
  id         TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL,
  event      TEXT NOT NULL,
  event_id   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  link       TEXT,
  created_at TEXT NOT NULL,
  read_at    TEXT
);
CREATE TABLE IF NOT EXISTS notification_dead_letters (
  id         TEXT PRIMARY KEY NOT NULL,
  channel    TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  subject    TEXT NOT NULL,
  error      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  payload    TEXT NOT NULL
);
ALTER TABLE notifications ADD COLUMN case_id TEXT;
ALTER TABLE notification_dead_letters ADD COLUMN case_id TEXT;
CREATE INDEX IF NOT EXISTS notifications_by_case ON notifications (case_id);
CREATE INDEX IF NOT EXISTS notification_dead_letters_by_case ON notification_dead_letters (case_id);
`],
];

/** Creates/upgrades the schema in one transaction. Refuses a database written by a newer version. */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this service (${SCHEMA_VERSION})`);
    }
    db.exec(DDL);
    for (const [version, sql] of MIGRATIONS) {
      if (version > current) db.exec(sql);
    }
    if (current < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
