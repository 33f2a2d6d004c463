/** Contract: task queries (Camunda semantics), and filter values that look like SQL. */
import { expect } from 'chai';
import { ValidationError } from '../../src/errors.ts';
import type { TaskQuery } from '../../src/store/store.ts';
import { at, createInstance, expectRejection, ids, makeInstance, makeTask, type StoreContext } from './builders.ts';

export function taskQuerySuite(ctx: StoreContext): void {
  describe('task queries', function () {
    /**
     * I1 (case-1, invoice): tA approve, unassigned, user anna + group sales, due t10, prio 50
     *                       tB approve, bob, group sales, no due, prio 80
     *                       tC review, unassigned, groups accounting + management, due t5, prio 20
     * I2 (case-2, review):  tD check, anna, no candidates, due t20, prio 50
     *                       tE check, unassigned, user carl + group management, no due, prio 10, no name
     * Created at t1 … t5 in letter order.
     */
    beforeEach(async function () {
      const i1 = makeInstance('I1', { businessKey: 'case-1', definitionId: 'invoice:1:d1', definitionKey: 'invoice' });
      const i2 = makeInstance('I2', { businessKey: 'case-2', definitionId: 'review:1:d1', definitionKey: 'review' });
      await createInstance(ctx.store, {
        ...i2,
        tasks: [
          makeTask(i2, 'tE', { taskDefinitionKey: 'check', name: null, candidateUsers: ['carl'], candidateGroups: ['management'], created: at(5), priority: 10 }),
          makeTask(i2, 'tD', { taskDefinitionKey: 'check', name: 'Check 100%', assignee: 'anna', created: at(4), due: at(20), priority: 50 }),
        ],
      });
      await createInstance(ctx.store, {
        ...i1,
        tasks: [
          makeTask(i1, 'tA', { name: 'Approve invoice', candidateUsers: ['anna'], candidateGroups: ['sales'], created: at(1), due: at(10), priority: 50 }),
          makeTask(i1, 'tB', { name: 'Approve invoice', assignee: 'bob', candidateGroups: ['sales'], created: at(2), priority: 80 }),
          makeTask(i1, 'tC', { taskDefinitionKey: 'review', name: 'Review', candidateGroups: ['accounting', 'management'], created: at(3), due: at(5), priority: 20 }),
        ],
      });
    });

    const find = async (query: TaskQuery) => ids(await ctx.store.findTasks(query));

    it('by id list and assignee', async function () {
      expect(await find({})).to.deep.equal(['tA', 'tB', 'tC', 'tD', 'tE']);
      expect(await find({ ids: ['tE', 'tA', 'nope'] })).to.deep.equal(['tA', 'tE']);
      expect(await find({ ids: [] })).to.deep.equal([]);
      expect(await find({ assignee: 'anna' })).to.deep.equal(['tD']);
      expect(await find({ assigneeIn: ['anna', 'bob'] })).to.deep.equal(['tB', 'tD']);
      expect(await find({ unassigned: true })).to.deep.equal(['tA', 'tC', 'tE']);
      expect(await find({ assigned: true })).to.deep.equal(['tB', 'tD']);
    });

    it('candidateUser with the user\'s groups: unassigned tasks unless includeAssigned', async function () {
      expect(await find({ candidateUser: 'anna' })).to.deep.equal(['tA']);
      expect(await find({ candidateUser: 'anna', candidateUserGroups: [] })).to.deep.equal(['tA']);
      expect(await find({ candidateUser: 'anna', candidateUserGroups: ['sales'] })).to.deep.equal(['tA']);
      expect(await find({ candidateUser: 'anna', candidateUserGroups: ['sales'], includeAssigned: true })).to.deep.equal(['tA', 'tB']);
      expect(await find({ candidateUser: 'carl', candidateUserGroups: ['accounting'] })).to.deep.equal(['tC', 'tE']);
      expect(await find({ candidateUser: 'dora', candidateUserGroups: ['management', 'sales'] })).to.deep.equal(['tA', 'tC', 'tE']);
      expect(await find({ candidateUser: 'zed', candidateUserGroups: ['nobody'] })).to.deep.equal([]);
    });

    it('candidateGroups: any of the listed groups, unassigned unless includeAssigned', async function () {
      expect(await find({ candidateGroups: ['management'] })).to.deep.equal(['tC', 'tE']);
      expect(await find({ candidateGroups: ['sales', 'accounting'] })).to.deep.equal(['tA', 'tC']);
      expect(await find({ candidateGroups: ['sales'], includeAssigned: true })).to.deep.equal(['tA', 'tB']);
      expect(await find({ candidateGroups: [] })).to.deep.equal([]);
    });

    it('by instance, business key, definition and task definition key, name', async function () {
      expect(await find({ instanceId: 'I2' })).to.deep.equal(['tD', 'tE']);
      expect(await find({ businessKey: 'case-1' })).to.deep.equal(['tA', 'tB', 'tC']);
      expect(await find({ definitionKey: 'review' })).to.deep.equal(['tD', 'tE']);
      expect(await find({ definitionId: 'invoice:1:d1' })).to.deep.equal(['tA', 'tB', 'tC']);
      expect(await find({ taskDefinitionKey: 'approve' })).to.deep.equal(['tA', 'tB']);
      expect(await find({ taskDefinitionKeyIn: ['review', 'check'] })).to.deep.equal(['tC', 'tD', 'tE']);
      expect(await find({ name: 'Review' })).to.deep.equal(['tC']);
      expect(await find({ nameLike: '%invoice' })).to.deep.equal(['tA', 'tB']);
      expect(await find({ nameLike: '%100%' })).to.deep.equal(['tD']);
      // Case-sensitive, and `_` is not a wildcard.
      expect(await find({ nameLike: 'approve%' })).to.deep.equal([]);
      expect(await find({ nameLike: 'Check_100%' })).to.deep.equal([]);
      expect(await find({ instanceId: 'I1', taskDefinitionKey: 'review' })).to.deep.equal(['tC']);
    });

    it('by due and created date (strict bounds, nulls never match), priority range', async function () {
      expect(await find({ dueBefore: at(10) })).to.deep.equal(['tC']);
      expect(await find({ dueBefore: at(11) })).to.deep.equal(['tA', 'tC']);
      expect(await find({ dueAfter: at(5) })).to.deep.equal(['tA', 'tD']);
      expect(await find({ dueAfter: at(4), dueBefore: at(20) })).to.deep.equal(['tA', 'tC']);
      // The same instant with an offset (at(10) = 08:10Z).
      expect(await find({ dueBefore: '2024-01-01T09:10:00.000+01:00' })).to.deep.equal(['tC']);
      expect(await find({ createdBefore: at(3) })).to.deep.equal(['tA', 'tB']);
      expect(await find({ createdAfter: at(3) })).to.deep.equal(['tD', 'tE']);
      expect(await find({ minPriority: 50 })).to.deep.equal(['tA', 'tB', 'tD']);
      expect(await find({ maxPriority: 20 })).to.deep.equal(['tC', 'tE']);
      expect(await find({ minPriority: 20, maxPriority: 50 })).to.deep.equal(['tA', 'tC', 'tD']);
    });

    it('sorts by due date (nulls last ascending, first descending), priority, created, name, assignee, id', async function () {
      expect(await find({ sortBy: 'dueDate', sortOrder: 'asc' })).to.deep.equal(['tC', 'tA', 'tD', 'tB', 'tE']);
      expect(await find({ sortBy: 'dueDate' })).to.deep.equal(['tC', 'tA', 'tD', 'tB', 'tE']);
      expect(await find({ sortBy: 'dueDate', sortOrder: 'desc' })).to.deep.equal(['tE', 'tB', 'tD', 'tA', 'tC']);
      // Ties are broken by created, in the same direction.
      expect(await find({ sortBy: 'priority', sortOrder: 'desc' })).to.deep.equal(['tB', 'tD', 'tA', 'tC', 'tE']);
      expect(await find({ sortBy: 'priority', sortOrder: 'asc' })).to.deep.equal(['tE', 'tC', 'tA', 'tD', 'tB']);
      expect(await find({ sortBy: 'created', sortOrder: 'desc' })).to.deep.equal(['tE', 'tD', 'tC', 'tB', 'tA']);
      expect(await find({ sortBy: 'created', sortOrder: 'asc' })).to.deep.equal(['tA', 'tB', 'tC', 'tD', 'tE']);
      expect(await find({ sortBy: 'name' })).to.deep.equal(['tA', 'tB', 'tD', 'tC', 'tE']);
      expect(await find({ sortBy: 'assignee' })).to.deep.equal(['tD', 'tB', 'tA', 'tC', 'tE']);
      expect(await find({ sortBy: 'id', sortOrder: 'desc' })).to.deep.equal(['tE', 'tD', 'tC', 'tB', 'tA']);
    });

    it('pages, and counts with the same filters (ignoring paging)', async function () {
      expect(await find({ firstResult: 1, maxResults: 2 })).to.deep.equal(['tB', 'tC']);
      expect(await find({ sortBy: 'priority', sortOrder: 'desc', firstResult: 1, maxResults: 2 })).to.deep.equal(['tD', 'tA']);
      expect(await find({ firstResult: 4 })).to.deep.equal(['tE']);
      expect(await find({ firstResult: 10 })).to.deep.equal([]);
      expect(await find({ maxResults: 0 })).to.deep.equal([]);
      const queries: TaskQuery[] = [
        {}, { assignee: 'anna' }, { candidateUser: 'anna', candidateUserGroups: ['sales'], includeAssigned: true },
        { candidateGroups: ['management'] }, { unassigned: true }, { businessKey: 'case-1' }, { dueBefore: at(11) },
        { nameLike: '%invoice' }, { minPriority: 20, maxPriority: 50 }, { taskDefinitionKeyIn: ['check'] },
      ];
      for (const query of queries) {
        const all = await ctx.store.findTasks(query);
        expect(await ctx.store.countTasks(query), JSON.stringify(query)).to.equal(all.length);
        expect(await ctx.store.countTasks({ ...query, firstResult: 1, maxResults: 1 }), JSON.stringify(query)).to.equal(all.length);
      }
      expect(await ctx.store.countTasks({ candidateGroups: ['management'] })).to.equal(2);
    });

    it('rejects malformed queries with ValidationError', async function () {
      await expectRejection(ctx.store.findTasks({ dueBefore: 'next tuesday' }), ValidationError);
      await expectRejection(ctx.store.findTasks({ sortBy: 'bogus' as TaskQuery['sortBy'] }), ValidationError);
      await expectRejection(ctx.store.findTasks({ sortOrder: 'sideways' as TaskQuery['sortOrder'] }), ValidationError);
      await expectRejection(ctx.store.findTasks({ firstResult: -1 }), ValidationError);
      await expectRejection(ctx.store.findInstances({ maxResults: 1.5 }), ValidationError);
    });
  });

  describe('filter values are data, not query syntax', function () {
    const evil = "' OR 1=1 --";
    beforeEach(async function () {
      for (const [id, businessKey] of [['x1', 'x_1'], ['x2', 'xy1'], ['x3', '100%'], ['x4', "O'Brien"]] as const) {
        const instance = makeInstance(id, { businessKey });
        await createInstance(ctx.store, { ...instance, tasks: [makeTask(instance, `task-${id}`, { name: `Task ${businessKey}`, candidateGroups: ['g'] })] });
      }
    });

    it('SQL metacharacters in equality filters match nothing (or exactly themselves)', async function () {
      expect(await ctx.store.findInstances({ businessKey: evil })).to.deep.equal([]);
      expect(await ctx.store.countInstances({ businessKey: evil })).to.equal(0);
      expect(await ctx.store.findInstances({ definitionKey: evil })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ businessKey: evil })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ assignee: evil })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ candidateGroups: [evil] })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ candidateUser: evil, candidateUserGroups: [evil] })).to.deep.equal([]);
      expect(await ctx.store.findDefinitions({ key: evil })).to.deep.equal([]);
      expect(await ctx.store.getInstance(evil)).to.equal(undefined);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: evil })).to.deep.equal([]);
      expect(await ctx.store.findInstances({ businessKey: '%' })).to.deep.equal([]);
      expect(ids(await ctx.store.findInstances({ businessKey: "O'Brien" }))).to.deep.equal(['x4']);
      expect(ids(await ctx.store.findInstances({ businessKey: '100%' }))).to.deep.equal(['x3']);
    });

    it('in like filters only % is a wildcard', async function () {
      expect(await ctx.store.findInstances({ businessKeyLike: `%${evil}%` })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ nameLike: `%${evil}%` })).to.deep.equal([]);
      expect(ids(await ctx.store.findInstances({ businessKeyLike: 'x_1' }))).to.deep.equal(['x1']);
      expect(ids(await ctx.store.findInstances({ businessKeyLike: '%\\%' }))).to.deep.equal([]);
      expect(ids(await ctx.store.findInstances({ businessKeyLike: "%'%" }))).to.deep.equal(['x4']);
      expect(ids(await ctx.store.findInstances({ businessKeyLike: '%' }))).to.deep.equal(['x1', 'x2', 'x3', 'x4']);
      expect(ids(await ctx.store.findTasks({ nameLike: 'Task x_%' }))).to.deep.equal(['task-x1']);
    });
  });
}
