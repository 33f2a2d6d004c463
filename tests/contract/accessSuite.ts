/**
 * Contract: the owning organisation of instances, tasks and task history, and the access filters
 * (`AccessFilter`) on instance, task and task history queries.
 */
import { expect } from 'chai';
import { ValidationError } from '../../src/errors.ts';
import type { AccessFilter, InstanceQuery, TaskHistoryQuery, TaskQuery } from '../../src/store/store.ts';
import {
  at, createInstance, expectRejection, ids, makeInstance, makeTask, makeTaskHistory, updateInstance, type StoreContext,
} from './builders.ts';

export function accessSuite(ctx: StoreContext): void {
  describe('organisation and access filters', function () {
    it('keeps the organisation of instances, tasks and task history (null and a value) through commits', async function () {
      const unowned = makeInstance('i-none');
      const owned = makeInstance('i-awo', { organisation: 'org-awo' });
      const unownedTask = makeTask(unowned, 't-none');
      const ownedTask = makeTask(owned, 't-awo', { candidateGroups: ['abh'] });
      const unownedHistory = makeTaskHistory(unowned, 't-none');
      const ownedHistory = makeTaskHistory(owned, 't-awo');
      expect([unownedTask.organisation, ownedTask.organisation]).to.deep.equal([null, 'org-awo']);

      const v1 = await createInstance(ctx.store, { ...unowned, tasks: [unownedTask] }, { taskHistory: [unownedHistory] });
      await createInstance(ctx.store, { ...owned, tasks: [ownedTask] }, { taskHistory: [ownedHistory] });

      expect(await ctx.store.getInstance('i-none')).to.deep.equal(v1);
      expect((await ctx.store.getInstance('i-none'))?.organisation).to.equal(null);
      expect((await ctx.store.getInstance('i-awo'))?.organisation).to.equal('org-awo');
      expect((await ctx.store.getInstance('i-awo'))?.tasks).to.deep.equal([ownedTask]);
      expect(await ctx.store.getTask('t-none')).to.deep.equal(unownedTask);
      expect(await ctx.store.getTask('t-awo')).to.deep.equal(ownedTask);
      expect(await ctx.store.findTasks({})).to.deep.equal([ownedTask, unownedTask]);
      expect(await ctx.store.findInstances({ sortBy: 'instanceId' })).to.deep.equal([
        await ctx.store.getInstance('i-awo'), v1,
      ]);
      expect(await ctx.store.findTaskHistory({})).to.deep.equal([ownedHistory, unownedHistory]);

      // A case manager takes the case on: the next commit carries the organisation everywhere.
      const taken = { ...unownedTask, organisation: 'org-drk' };
      const takenHistory = { ...unownedHistory, organisation: 'org-drk' };
      const v2 = await updateInstance(ctx.store, v1, { organisation: 'org-drk', tasks: [taken] }, { taskHistory: [takenHistory] });
      expect(await ctx.store.getInstance('i-none')).to.deep.equal(v2);
      expect(await ctx.store.getTask('t-none')).to.deep.equal(taken);
      expect(await ctx.store.findTaskHistory({ instanceId: 'i-none' })).to.deep.equal([takenHistory]);

      // And back (null is a value that is written, not "unchanged").
      await updateInstance(ctx.store, v2, { organisation: null, tasks: [unownedTask] }, { taskHistory: [unownedHistory] });
      expect((await ctx.store.getInstance('i-none'))?.organisation).to.equal(null);
      expect(await ctx.store.getTask('t-none')).to.deep.equal(unownedTask);
      expect(await ctx.store.findTaskHistory({ instanceId: 'i-none' })).to.deep.equal([unownedHistory]);
    });

    describe('queries', function () {
      /**
       * i-none (no owner, invoice, t1)  tN1 unassigned, group sales                  (history: open)
       * i-awo  (org-awo, invoice, t2)   tA1 unassigned, group sales                  (history: open)
       *                                 tA2 anna                                     (history: ended)
       * i-drk  (org-drk, invoice, t3)   tD1 unassigned, group abh                    (history: open)
       *                                 tD2 bob                                      (history: ended)
       *                                 tD3 carl, groups abh + sales                 (history: open)
       * i-awo2 (org-awo, review, t4)    tA3 unassigned, no candidates                (history: open)
       * Tasks are created at t1 … t7 in the order listed.
       */
      beforeEach(async function () {
        const none = makeInstance('i-none', { startTime: at(1) });
        const awo = makeInstance('i-awo', { organisation: 'org-awo', startTime: at(2) });
        const drk = makeInstance('i-drk', { organisation: 'org-drk', startTime: at(3) });
        const awo2 = makeInstance('i-awo2', { organisation: 'org-awo', startTime: at(4), definitionKey: 'review', definitionId: 'review:1:d1' });
        const task = (instance: typeof none, id: string, created: number, over: Parameters<typeof makeTask>[2] = {}) =>
          makeTask(instance, id, { created: at(created), ...over });
        const history = (instance: typeof none, id: string, start: number, over: Parameters<typeof makeTaskHistory>[2] = {}) =>
          makeTaskHistory(instance, id, { startTime: at(start), candidateGroups: [], ...over });
        await createInstance(ctx.store, { ...none, tasks: [task(none, 'tN1', 1, { candidateGroups: ['sales'] })] }, {
          taskHistory: [history(none, 'tN1', 1, { candidateGroups: ['sales'] })],
        });
        await createInstance(ctx.store, {
          ...awo,
          tasks: [task(awo, 'tA1', 2, { candidateGroups: ['sales'] }), task(awo, 'tA2', 3, { assignee: 'anna' })],
        }, {
          taskHistory: [history(awo, 'tA1', 2, { candidateGroups: ['sales'] }), history(awo, 'tA2', 3, { assignee: 'anna', endTime: at(9) })],
        });
        await createInstance(ctx.store, {
          ...drk,
          tasks: [
            task(drk, 'tD1', 4, { candidateGroups: ['abh'] }),
            task(drk, 'tD2', 5, { assignee: 'bob' }),
            task(drk, 'tD3', 6, { assignee: 'carl', candidateGroups: ['abh', 'sales'] }),
          ],
        }, {
          taskHistory: [
            history(drk, 'tD1', 4, { candidateGroups: ['abh'] }),
            history(drk, 'tD2', 5, { assignee: 'bob', endTime: at(9) }),
            history(drk, 'tD3', 6, { assignee: 'carl', candidateGroups: ['abh', 'sales'] }),
          ],
        });
        await createInstance(ctx.store, { ...awo2, tasks: [task(awo2, 'tA3', 7)] }, { taskHistory: [history(awo2, 'tA3', 7)] });
      });

      const instances = async (query: InstanceQuery) => {
        const found = ids(await ctx.store.findInstances(query));
        const unpaged = { ...query, firstResult: undefined, maxResults: undefined };
        expect(await ctx.store.countInstances(query), `count ${JSON.stringify(query)}`)
          .to.equal((await ctx.store.findInstances(unpaged)).length);
        return found;
      };
      const tasks = async (query: TaskQuery) => {
        const found = ids(await ctx.store.findTasks(query));
        const unpaged = { ...query, firstResult: undefined, maxResults: undefined };
        expect(await ctx.store.countTasks(query), `count ${JSON.stringify(query)}`)
          .to.equal((await ctx.store.findTasks(unpaged)).length);
        return found;
      };
      const history = async (query: TaskHistoryQuery) => {
        const found = ids(await ctx.store.findTaskHistory(query));
        const unpaged = { ...query, firstResult: undefined, maxResults: undefined };
        expect(await ctx.store.countTaskHistory(query), `count ${JSON.stringify(query)}`)
          .to.equal((await ctx.store.findTaskHistory(unpaged)).length);
        return found;
      };

      it('instances: by organisation, null admitting the unowned ones; candidate groups and assignee do not apply', async function () {
        expect(await instances({})).to.deep.equal(['i-none', 'i-awo', 'i-drk', 'i-awo2']);
        expect(await instances({ access: { organisations: [null, 'org-awo'] } })).to.deep.equal(['i-none', 'i-awo', 'i-awo2']);
        expect(await instances({ access: { organisations: ['org-awo'] } })).to.deep.equal(['i-awo', 'i-awo2']);
        expect(await instances({ access: { organisations: [null] } })).to.deep.equal(['i-none']);
        expect(await instances({ access: { organisations: ['org-drk', 'org-awo'] } })).to.deep.equal(['i-awo', 'i-drk', 'i-awo2']);
        expect(await instances({ access: { organisations: ['org-unknown'] } })).to.deep.equal([]);
        expect(await instances({ access: { organisations: [] } })).to.deep.equal([]);
        expect(await instances({ access: { organisations: [], candidateGroups: ['abh'], assignee: 'bob' } })).to.deep.equal([]);
        expect(await instances({ access: { organisations: [null], candidateGroups: ['abh'], assignee: 'bob' } })).to.deep.equal(['i-none']);
      });

      it('instances: the access filter is AND-ed with the other filters, and pages', async function () {
        const access: AccessFilter = { organisations: [null, 'org-awo'] };
        expect(await instances({ access, definitionKey: 'invoice' })).to.deep.equal(['i-none', 'i-awo']);
        expect(await instances({ access, definitionKey: 'review' })).to.deep.equal(['i-awo2']);
        expect(await instances({ access: { organisations: ['org-drk'] }, definitionKey: 'review' })).to.deep.equal([]);
        expect(await instances({ access, ids: ['i-awo', 'i-drk'] })).to.deep.equal(['i-awo']);
        expect(await instances({ access, businessKeyLike: 'bk-i-awo%' })).to.deep.equal(['i-awo', 'i-awo2']);
        expect(await instances({ access, active: true, sortBy: 'startTime', sortOrder: 'desc' })).to.deep.equal(['i-awo2', 'i-awo', 'i-none']);
        expect(await instances({ access, firstResult: 1, maxResults: 1 })).to.deep.equal(['i-awo']);
        expect(await instances({ access, firstResult: 2, maxResults: 5 })).to.deep.equal(['i-awo2']);
        expect(await instances({ access, firstResult: 3 })).to.deep.equal([]);
        expect(await ctx.store.countInstances({ access, firstResult: 1, maxResults: 1 })).to.equal(3);
      });

      it('tasks: organisation, candidate groups and assignee are alternatives', async function () {
        expect(await tasks({})).to.deep.equal(['tN1', 'tA1', 'tA2', 'tD1', 'tD2', 'tD3', 'tA3']);
        expect(await tasks({ access: { organisations: [null, 'org-awo'] } })).to.deep.equal(['tN1', 'tA1', 'tA2', 'tA3']);
        expect(await tasks({ access: { organisations: ['org-awo'] } })).to.deep.equal(['tA1', 'tA2', 'tA3']);
        expect(await tasks({ access: { organisations: [null] } })).to.deep.equal(['tN1']);
        // An org-owned task offered to a group of the user's, whether or not someone holds it.
        expect(await tasks({ access: { organisations: [null], candidateGroups: ['abh'] } })).to.deep.equal(['tN1', 'tD1', 'tD3']);
        expect(await tasks({ access: { organisations: [], candidateGroups: ['abh', 'nobody'] } })).to.deep.equal(['tD1', 'tD3']);
        expect(await tasks({ access: { organisations: ['org-awo'], candidateGroups: ['sales'] } })).to.deep.equal(['tN1', 'tA1', 'tA2', 'tD3', 'tA3']);
        // A task assigned to the user.
        expect(await tasks({ access: { organisations: [], assignee: 'bob' } })).to.deep.equal(['tD2']);
        expect(await tasks({ access: { organisations: ['org-awo'], assignee: 'bob' } })).to.deep.equal(['tA1', 'tA2', 'tD2', 'tA3']);
        expect(await tasks({ access: { organisations: [null], candidateGroups: ['abh'], assignee: 'bob' } })).to.deep.equal(['tN1', 'tD1', 'tD2', 'tD3']);
        expect(await tasks({ access: { organisations: [], assignee: 'nobody' } })).to.deep.equal([]);
        // Nothing to admit by.
        expect(await tasks({ access: { organisations: [] } })).to.deep.equal([]);
        expect(await tasks({ access: { organisations: [], candidateGroups: [] } })).to.deep.equal([]);
      });

      it('tasks: the access filter is AND-ed with the other filters, counts match, paging works', async function () {
        const access: AccessFilter = { organisations: [null, 'org-awo'], candidateGroups: ['abh'] };
        expect(await tasks({ access })).to.deep.equal(['tN1', 'tA1', 'tA2', 'tD1', 'tD3', 'tA3']);
        expect(await tasks({ access, unassigned: true })).to.deep.equal(['tN1', 'tA1', 'tD1', 'tA3']);
        expect(await tasks({ access, assigned: true })).to.deep.equal(['tA2', 'tD3']);
        expect(await tasks({ access, instanceId: 'i-drk' })).to.deep.equal(['tD1', 'tD3']);
        expect(await tasks({ access, definitionKey: 'review' })).to.deep.equal(['tA3']);
        expect(await tasks({ access, assignee: 'bob' })).to.deep.equal([]);
        // With the Camunda candidate filters (their own OR), both must hold.
        expect(await tasks({ access, candidateGroups: ['sales'] })).to.deep.equal(['tN1', 'tA1']);
        expect(await tasks({ access, candidateGroups: ['sales'], includeAssigned: true })).to.deep.equal(['tN1', 'tA1', 'tD3']);
        expect(await tasks({ access, candidateUser: 'zed', candidateUserGroups: ['abh'], includeAssigned: true })).to.deep.equal(['tD1', 'tD3']);
        expect(await tasks({ access: { organisations: ['org-awo'] }, candidateGroups: ['abh'] })).to.deep.equal([]);
        // Paging and sorting over the admitted rows.
        expect(await tasks({ access, firstResult: 1, maxResults: 2 })).to.deep.equal(['tA1', 'tA2']);
        expect(await tasks({ access, firstResult: 4, maxResults: 10 })).to.deep.equal(['tD3', 'tA3']);
        expect(await tasks({ access, sortBy: 'created', sortOrder: 'desc', firstResult: 0, maxResults: 3 })).to.deep.equal(['tA3', 'tD3', 'tD1']);
        expect(await tasks({ access, maxResults: 0 })).to.deep.equal([]);
        expect(await ctx.store.countTasks({ access, firstResult: 1, maxResults: 2 })).to.equal(6);
        expect(await ctx.store.countTasks({ access: { organisations: [] } })).to.equal(0);
      });

      it('task history: organisation and assignee are alternatives, candidate groups are ignored', async function () {
        expect(await history({})).to.deep.equal(['tN1', 'tA1', 'tA2', 'tD1', 'tD2', 'tD3', 'tA3']);
        expect(await history({ access: { organisations: [null, 'org-awo'] } })).to.deep.equal(['tN1', 'tA1', 'tA2', 'tA3']);
        expect(await history({ access: { organisations: ['org-awo'] } })).to.deep.equal(['tA1', 'tA2', 'tA3']);
        expect(await history({ access: { organisations: [null] } })).to.deep.equal(['tN1']);
        expect(await history({ access: { organisations: [null], candidateGroups: ['abh'] } })).to.deep.equal(['tN1']);
        expect(await history({ access: { organisations: [], candidateGroups: ['abh'] } })).to.deep.equal([]);
        expect(await history({ access: { organisations: [null], assignee: 'bob' } })).to.deep.equal(['tN1', 'tD2']);
        expect(await history({ access: { organisations: [] } })).to.deep.equal([]);
      });

      it('task history: the access filter is AND-ed with the other filters, counts match, paging works', async function () {
        const access: AccessFilter = { organisations: ['org-awo'], assignee: 'bob' };
        expect(await history({ access })).to.deep.equal(['tA1', 'tA2', 'tD2', 'tA3']);
        expect(await history({ access, finished: true })).to.deep.equal(['tA2', 'tD2']);
        expect(await history({ access, unfinished: true })).to.deep.equal(['tA1', 'tA3']);
        expect(await history({ access, instanceId: 'i-drk' })).to.deep.equal(['tD2']);
        expect(await history({ access, assignee: 'anna' })).to.deep.equal(['tA2']);
        expect(await history({ access, definitionKey: 'review' })).to.deep.equal(['tA3']);
        expect(await history({ access, firstResult: 1, maxResults: 2 })).to.deep.equal(['tA2', 'tD2']);
        expect(await history({ access, firstResult: 3 })).to.deep.equal(['tA3']);
        expect(await ctx.store.countTaskHistory({ access, firstResult: 1, maxResults: 2 })).to.equal(4);
      });

      it('access filter values are literals: malformed ones are rejected with ValidationError', async function () {
        const bad = [
          { organisations: 'org-awo' },
          { organisations: [{ $ne: null }] },
          { organisations: [1] },
          { organisations: ['org-awo'], candidateGroups: 'abh' },
          { organisations: ['org-awo'], candidateGroups: [null] },
          { organisations: ['org-awo'], assignee: { $ne: null } },
          null,
        ] as unknown as AccessFilter[];
        for (const access of bad) {
          await expectRejection(ctx.store.findTasks({ access }), ValidationError);
          await expectRejection(ctx.store.countTasks({ access }), ValidationError);
          await expectRejection(ctx.store.findTaskHistory({ access }), ValidationError);
        }
        await expectRejection(ctx.store.findInstances({ access: { organisations: [{ $ne: null }] } as unknown as AccessFilter }), ValidationError);
        await expectRejection(ctx.store.countInstances({ access: { organisations: 'org-awo' } as unknown as AccessFilter }), ValidationError);
        // SQL and operator look-alikes are plain values.
        expect(await tasks({ access: { organisations: ["' OR 1=1 --", '$ne'], candidateGroups: ["' OR ''='"], assignee: "' OR 1=1 --" } })).to.deep.equal([]);
      });
    });
  });
}
