/** The store contract against SqliteStore (a fresh file per test), plus what only SQLite has. */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VersionConflict } from '../../src/errors.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import { insertSql, instanceToRow, taskHistoryToRow, taskToRow } from '../../src/store/sqlite/rows.ts';
import { DDL, SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import type { TaskRecord } from '../../src/store/store.ts';
import {
  commitOf, createInstance, expectRejection, ids, makeInstance, makeTask, makeTaskHistory, nextVersion, updateInstance,
} from './builders.ts';
import { describeStore } from './storeContract.ts';

let dir: string;
let counter = 0;
const nextFile = () => path.join(dir, `store-${++counter}.db`);

describe('SqliteStore', function () {
  before(function () {
    dir = fs.mkdtempSync(os.tmpdir() + '/kim-store-');
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describeStore('sqlite', async () => new SqliteStore({ file: nextFile() }));

  specifics();
});

function specifics(): void {
describe('SqliteStore specifics', function () {
  it('works in memory', async function () {
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    const instance = await createInstance(store, makeInstance('i1'));
    expect(await store.getInstance('i1')).to.deep.equal(instance);
    await store.close();
  });

  it('init is idempotent, data survives close and reopen, close is idempotent', async function () {
    const file = nextFile();
    const first = new SqliteStore({ file });
    await first.init();
    await first.init();
    const instance = await createInstance(first, makeInstance('i1', { tasks: [] }));
    await first.close();
    await first.close();

    const second = new SqliteStore({ file });
    await second.init();
    expect(await second.getInstance('i1')).to.deep.equal(instance);
    await second.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.close();
  });

  it('refuses to be used before init', async function () {
    const store = new SqliteStore({ file: ':memory:' });
    await expectRejection(store.getInstance('x'), Error);
  });

  it('two connections to one file: exactly one commit from the same base version wins', async function () {
    const file = nextFile();
    const a = new SqliteStore({ file });
    const b = new SqliteStore({ file });
    await a.init();
    await b.init();
    const v1 = await createInstance(a, makeInstance('i1'));
    await a.commitInstance(commitOf(nextVersion(v1, { lastError: 'a', tasks: [makeTask(v1, 'task-a')] })));
    await expectRejection(b.commitInstance(commitOf(nextVersion(v1, { lastError: 'b', tasks: [makeTask(v1, 'task-b')] }))), VersionConflict);
    expect((await b.getInstance('i1'))?.lastError).to.equal('a');
    expect((await b.findTasks({ instanceId: 'i1' })).map((t) => t.id)).to.deep.equal(['task-a']);
    await a.close();
    await b.close();
  });

  it('stores compared timestamps in canonical UTC form', async function () {
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    const instance = makeInstance('i1');
    await createInstance(store, { ...instance, tasks: [makeTask(instance, 't1', { due: '2024-03-01T10:00:00+01:00' })] });
    expect((await store.getTask('t1'))?.due).to.equal('2024-03-01T09:00:00.000Z');
    expect((await store.findTasks({ dueBefore: '2024-03-01T09:00:00.001Z' })).map((t) => t.id)).to.deep.equal(['t1']);
    await store.close();
  });

  it('serves the hot queries from indexes', async function () {
    const file = nextFile();
    const store = new SqliteStore({ file });
    await store.init();
    await store.close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    expect(plan(`SELECT * FROM tasks t WHERE t.id IN (SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.value IN (SELECT value FROM json_each(?)))`, '["a"]'))
      .to.match(/task_candidates_by_value/);
    expect(plan('SELECT * FROM tasks t WHERE t.assignee = ? ORDER BY t.created', 'anna')).to.match(/tasks_by_assignee/);
    expect(plan('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT ?', 'x', 1)).to.match(/timers_by_due/);
    expect(plan('SELECT * FROM instances i WHERE i.business_key = ?', 'x')).to.match(/instances_by_business_key/);
    expect(plan('SELECT * FROM subscriptions s WHERE s.kind = ? AND s.name = ?', 'message', 'x')).to.match(/subscriptions_by_name/);
    expect(plan('SELECT * FROM instances i WHERE i.organisation IN (SELECT value FROM json_each(?)) ORDER BY i.start_time', '["org-awo"]'))
      .to.match(/instances_by_organisation/);
    expect(plan('SELECT * FROM tasks t WHERE (t.organisation IN (SELECT value FROM json_each(?)) OR t.organisation IS NULL)', '["org-awo"]'))
      .to.match(/tasks_by_organisation/);
    expect(plan('SELECT * FROM task_history h WHERE h.organisation IS NULL')).to.match(/task_history_by_organisation/);
    db.close();
  });

  it('migrates a schema v1 database: rows written before read as organisation null, and can be owned', async function () {
    // A database as the v1 code left it: the v1 DDL (`DDL` is v1, changes are migrations), user
    // version 1, and an instance with a task and task history written without any organisation.
    const file = nextFile();
    const old = new Database(file);
    old.exec(DDL);
    old.pragma('user_version = 1');
    const columns = (db: Database.Database, table: string) =>
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((c) => c.name);
    for (const table of ['instances', 'tasks', 'task_history']) expect(columns(old, table)).not.to.include('organisation');
    const withoutOrganisation = <T extends object>(value: T): Omit<T, 'organisation'> => {
      const { organisation: _, ...rest } = value as T & { organisation?: unknown };
      return rest;
    };
    const instance = makeInstance('old-1');
    const task = makeTask(instance, 'old-task', { candidateGroups: ['sales'] });
    const history = makeTaskHistory(instance, 'old-task');
    const insert = (table: string, row: Record<string, unknown>) => old.prepare(insertSql(table, row)).run(row);
    insert('instances', withoutOrganisation(instanceToRow({ ...instance, tasks: [withoutOrganisation(task) as TaskRecord] })));
    insert('tasks', withoutOrganisation(taskToRow(task)));
    old.prepare(`INSERT INTO task_candidates (task_id, kind, value) VALUES (?, 'group', ?)`).run('old-task', 'sales');
    insert('task_history', withoutOrganisation(taskHistoryToRow(history)));
    expect(JSON.parse((old.prepare('SELECT tasks_json FROM instances').get() as { tasks_json: string }).tasks_json)[0]).not.to.have.property('organisation');
    old.close();

    const store = new SqliteStore({ file });
    await store.init();
    const migrated = await store.getInstance('old-1');
    expect(migrated).to.deep.equal({ ...instance, tasks: [task] });
    expect(migrated?.organisation).to.equal(null);
    expect(migrated?.tasks[0]?.organisation).to.equal(null);
    expect(await store.getTask('old-task')).to.deep.equal(task);
    expect(await store.findTaskHistory({ instanceId: 'old-1' })).to.deep.equal([history]);
    expect(ids(await store.findInstances({ access: { organisations: [null] } }))).to.deep.equal(['old-1']);
    expect(ids(await store.findTasks({ access: { organisations: [null] } }))).to.deep.equal(['old-task']);
    expect(ids(await store.findTaskHistory({ access: { organisations: [null] } }))).to.deep.equal(['old-task']);
    expect(await store.countTasks({ access: { organisations: ['org-awo'] } })).to.equal(0);

    // The next commit of the old instance writes the organisation like any other.
    const owned = { ...task, organisation: 'org-awo' };
    await updateInstance(store, migrated!, { organisation: 'org-awo', tasks: [owned] }, { taskHistory: [{ ...history, organisation: 'org-awo' }] });
    expect(ids(await store.findInstances({ access: { organisations: ['org-awo'] } }))).to.deep.equal(['old-1']);
    expect(await store.findTasks({ access: { organisations: ['org-awo'] } })).to.deep.equal([owned]);
    expect(ids(await store.findTaskHistory({ access: { organisations: [null] } }))).to.deep.equal([]);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    for (const table of ['instances', 'tasks', 'task_history']) expect(columns(db, table)).to.include('organisation');
    db.close();
    // Opening it again (already at the current version) changes nothing.
    const again = new SqliteStore({ file });
    await again.init();
    expect((await again.getInstance('old-1'))?.organisation).to.equal('org-awo');
    await again.close();
  });
});
}
