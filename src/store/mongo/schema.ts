/**
 * Collections of the MongoDB adapter and the indexes `init()` creates for every query the port
 * serves. Only plain and unique (compound, multikey) indexes: no TTL, partial or sparse indexes,
 * which the test server (FerretDB 1.x) does not have; expiry is the application's job.
 */
import type { Collection, Db, IndexDirection } from 'mongodb';
import type { Doc } from './docs.ts';

export interface Collections {
  deployments: Collection<Doc>;
  resources: Collection<Doc>;
  definitions: Collection<Doc>;
  instances: Collection<Doc>;
  tasks: Collection<Doc>;
  subscriptions: Collection<Doc>;
  timers: Collection<Doc>;
  activityHistory: Collection<Doc>;
  taskHistory: Collection<Doc>;
  variableHistory: Collection<Doc>;
  followUps: Collection<Doc>;
  users: Collection<Doc>;
  groups: Collection<Doc>;
  memberships: Collection<Doc>;
  tokens: Collection<Doc>;
  settings: Collection<Doc>;
  schedules: Collection<Doc>;
}

const NAMES: Record<keyof Collections, string> = {
  deployments: 'deployments',
  resources: 'resources',
  definitions: 'definitions',
  instances: 'instances',
  tasks: 'tasks',
  subscriptions: 'subscriptions',
  timers: 'timers',
  activityHistory: 'activity_history',
  taskHistory: 'task_history',
  variableHistory: 'variable_history',
  followUps: 'follow_ups',
  users: 'users',
  groups: 'groups',
  memberships: 'memberships',
  tokens: 'tokens',
  settings: 'settings',
  schedules: 'schedules',
};

export function openCollections(db: Db): Collections {
  const entries = Object.entries(NAMES).map(([key, name]) => [key, db.collection<Doc>(name)]);
  return Object.fromEntries(entries) as unknown as Collections;
}

interface IndexDef {
  name: string;
  key: Record<string, IndexDirection>;
  unique?: boolean;
}

const INDEXES: Partial<Record<keyof Collections, IndexDef[]>> = {
  deployments: [
    { name: 'by_time', key: { deploymentTime: 1, _id: 1 } },
    { name: 'by_source', key: { source: 1, deploymentTime: 1 } },
    { name: 'by_pending', key: { pending: 1 } },
  ],
  resources: [
    { name: 'by_deployment', key: { deploymentId: 1, pos: 1 } },
    { name: 'by_name', key: { name: 1, deploymentSource: 1, deploymentTime: 1 } },
  ],
  definitions: [
    { name: 'by_key_version', key: { key: 1, version: 1 }, unique: true },
    { name: 'by_deployment', key: { deploymentId: 1 } },
  ],
  instances: [
    { name: 'by_business_key', key: { businessKey: 1 } },
    { name: 'by_definition_key', key: { definitionKey: 1, state: 1 } },
    { name: 'by_definition_id', key: { definitionId: 1 } },
    { name: 'by_state', key: { state: 1, startTime: 1 } },
    { name: 'by_start', key: { startTime: 1, _id: 1 } },
    { name: 'by_super', key: { superInstanceId: 1 } },
    { name: 'by_outbox', key: { hasOutbox: 1 } },
    { name: 'by_organisation', key: { organisation: 1, startTime: 1 } },
    { name: 'by_purging', key: { purging: 1 } },
  ],
  tasks: [
    { name: 'by_assignee', key: { assignee: 1, created: 1 } },
    { name: 'by_candidate_groups', key: { candidateGroups: 1 } },
    { name: 'by_candidate_users', key: { candidateUsers: 1 } },
    { name: 'by_due', key: { due: 1 } },
    { name: 'by_created', key: { created: 1, _id: 1 } },
    { name: 'by_instance', key: { instanceId: 1 } },
    { name: 'by_task_definition_key', key: { taskDefinitionKey: 1 } },
    { name: 'by_definition_key', key: { definitionKey: 1 } },
    { name: 'by_business_key', key: { businessKey: 1 } },
    { name: 'by_organisation', key: { organisation: 1, created: 1 } },
  ],
  subscriptions: [
    { name: 'by_name', key: { kind: 1, name: 1 } },
    { name: 'by_instance', key: { instanceId: 1 } },
  ],
  timers: [
    { name: 'by_due', key: { dueAt: 1, _id: 1 } },
    { name: 'by_instance', key: { instanceId: 1 } },
  ],
  activityHistory: [{ name: 'by_instance', key: { instanceId: 1, startTime: 1, seq: 1 } }],
  taskHistory: [
    { name: 'by_instance', key: { instanceId: 1 } },
    { name: 'by_assignee', key: { assignee: 1 } },
    { name: 'by_business_key', key: { businessKey: 1 } },
    { name: 'by_organisation', key: { organisation: 1, startTime: 1 } },
  ],
  variableHistory: [{ name: 'by_instance', key: { instanceId: 1, name: 1 } }],
  followUps: [{ name: 'by_created', key: { createdAt: 1, ins: 1 } }],
  users: [{ name: 'by_email', key: { email: 1 } }],
  groups: [{ name: 'by_type', key: { type: 1 } }],
  memberships: [
    { name: 'by_group_user', key: { groupId: 1, userId: 1 }, unique: true },
    { name: 'by_user', key: { userId: 1 } },
  ],
  tokens: [{ name: 'by_user', key: { userId: 1 } }],
  schedules: [{ name: 'by_pending', key: { pending: 1 } }],
};

/**
 * Creates the missing indexes, one per command: FerretDB 1.24 drops the connection on a
 * `createIndexes` with several indexes of which some exist already (a server-side panic).
 */
export async function ensureIndexes(c: Collections): Promise<void> {
  for (const [collection, defs] of Object.entries(INDEXES) as Array<[keyof Collections, IndexDef[]]>) {
    const coll = c[collection];
    let existing: Set<string>;
    try {
      existing = new Set((await coll.listIndexes().toArray()).map((i) => String(i.name)));
    } catch {
      existing = new Set(); // the collection does not exist yet (NamespaceNotFound)
    }
    for (const d of defs) {
      if (!existing.has(d.name)) await coll.createIndex(d.key, { name: d.name, ...(d.unique ? { unique: true } : {}) });
    }
  }
}
