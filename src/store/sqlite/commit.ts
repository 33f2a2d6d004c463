/**
 * The versioned instance write (see the consistency model in store.ts). Runs inside one
 * IMMEDIATE transaction opened by the caller, so the version check and every derived write
 * (projections, history, outbox) either all land or none do.
 */
import Database from 'better-sqlite3';
import { VersionConflict } from '../../errors.ts';
import type { InstanceCommit } from '../store.ts';
import {
  activityToRow, followUpToRow, insertSql, instanceToRow, subscriptionToRow, taskHistoryToRow, taskToRow,
  timerToRow, upsertSql, variableHistoryToRow,
} from './rows.ts';

type Prepare = (sql: string) => Database.Statement;

/** Programming errors in a commit (not conflicts): the caller built an inconsistent record. */
export function checkCommit(commit: InstanceCommit): void {
  const { instance, expectedVersion } = commit;
  if (instance.version !== expectedVersion + 1) {
    throw new Error(`commit of ${instance.id}: version must be expectedVersion + 1 (${expectedVersion + 1}), got ${instance.version}`);
  }
  const foreign = [...instance.tasks, ...instance.subscriptions, ...instance.timers].find((p) => p.instanceId !== instance.id);
  if (foreign) throw new Error(`commit of ${instance.id}: projection ${foreign.id} belongs to instance ${foreign.instanceId}`);
}

/** Must run inside a transaction. Throws VersionConflict when the versioned write lost. */
export function writeCommit(prepare: Prepare, commit: InstanceCommit): void {
  const { instance, expectedVersion } = commit;
  const row = instanceToRow(instance);

  if (expectedVersion === 0) {
    try {
      prepare(insertSql('instances', row)).run(row);
    } catch (err) {
      if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new VersionConflict(`process instance ${instance.id} already exists`);
      }
      throw err;
    }
  } else {
    const set = Object.keys(row).filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ');
    const result = prepare(`UPDATE instances SET ${set} WHERE id = @id AND version = @expected_version`)
      .run({ ...row, expected_version: expectedVersion });
    if (result.changes !== 1) {
      throw new VersionConflict(`process instance ${instance.id} was modified concurrently (expected version ${expectedVersion})`);
    }
  }

  // Projections: replaced wholesale, so whatever a previous (or retried) commit left is gone.
  prepare('DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = ?)').run(instance.id);
  prepare('DELETE FROM tasks WHERE instance_id = ?').run(instance.id);
  prepare('DELETE FROM subscriptions WHERE instance_id = ?').run(instance.id);
  prepare('DELETE FROM timers WHERE instance_id = ?').run(instance.id);

  const candidate = prepare('INSERT OR IGNORE INTO task_candidates (task_id, kind, value) VALUES (?, ?, ?)');
  for (const task of instance.tasks) {
    const taskRow = taskToRow(task);
    prepare(insertSql('tasks', taskRow)).run(taskRow);
    for (const user of task.candidateUsers) candidate.run(task.id, 'user', user);
    for (const group of task.candidateGroups) candidate.run(task.id, 'group', group);
  }
  instance.subscriptions.forEach((s, pos) => {
    const subRow = subscriptionToRow(s, pos);
    prepare(insertSql('subscriptions', subRow)).run(subRow);
  });
  for (const timer of instance.timers) {
    const timerRow = timerToRow(timer);
    prepare(insertSql('timers', timerRow)).run(timerRow);
  }

  // History: upsert by id, so a later commit completes what an earlier one started.
  for (const a of commit.activityHistory) {
    const r = activityToRow(a);
    prepare(upsertSql('activity_history', r)).run(r);
  }
  const endActivity = prepare('UPDATE activity_history SET end_time = ?, canceled = ? WHERE id = ? AND instance_id = ? AND end_time IS NULL');
  for (const e of commit.activityEnds ?? []) endActivity.run(e.endTime, e.canceled ? 1 : 0, e.id, instance.id);
  for (const t of commit.taskHistory) {
    const r = taskHistoryToRow(t);
    prepare(upsertSql('task_history', r)).run(r);
  }
  for (const v of commit.variableHistory) {
    const r = variableHistoryToRow(v);
    prepare(upsertSql('variable_history', r)).run(r);
  }

  // Outbox: recording is idempotent by id; consuming deletes.
  for (const f of commit.followUps) {
    const r = followUpToRow(f);
    prepare(insertSql('follow_ups', r, 'INSERT OR IGNORE')).run(r);
  }
  for (const id of commit.consumedFollowUps ?? []) prepare('DELETE FROM follow_ups WHERE id = ?').run(id);
}
