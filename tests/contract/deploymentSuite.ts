/** Contract: deployments, resources, definitions. */
import { expect } from 'chai';
import { Conflict } from '../../src/errors.ts';
import type { Store } from '../../src/store/store.ts';
import {
  at, createInstance, expectRejection, ids, makeDefinition, makeDeployment, makeInstance, makeResource, type StoreContext,
} from './builders.ts';

/** d1 (modeler, t0): invoice v1 + review v1; d2 (modeler, t10): invoice v2; d3 (no source, t20): invoice v3. */
export async function seedDeployments(store: Store) {
  const d1 = makeDeployment('d1', { name: 'invoice-app', deploymentTime: at(0) });
  const d1Resources = [makeResource('d1', 'invoice.bpmn'), makeResource('d1', 'form.json')];
  const invoice1 = makeDefinition('d1', 'invoice', 1, { name: 'Invoice' });
  const review1 = makeDefinition('d1', 'review', 1, { name: 'Review', executable: false, historyTimeToLive: null });
  await store.insertDeployment(d1, d1Resources, [invoice1, review1]);

  const d2 = makeDeployment('d2', { name: 'invoice-app', deploymentTime: at(10) });
  const d2Resources = [makeResource('d2', 'invoice.bpmn')];
  const invoice2 = makeDefinition('d2', 'invoice', 2, { name: 'Invoice', versionTag: '2.0' });
  await store.insertDeployment(d2, d2Resources, [invoice2]);

  const d3 = makeDeployment('d3', { name: 'hotfix', source: null, deploymentTime: at(20) });
  const d3Resources = [makeResource('d3', 'invoice.bpmn')];
  const invoice3 = makeDefinition('d3', 'invoice', 3, { name: 'Invoice v3' });
  await store.insertDeployment(d3, d3Resources, [invoice3]);

  return { d1, d2, d3, d1Resources, d2Resources, d3Resources, invoice1, review1, invoice2, invoice3 };
}

export function deploymentSuite(ctx: StoreContext): void {
  describe('deployments and definitions', function () {
    it('stores a deployment with its resources and definitions', async function () {
      const s = await seedDeployments(ctx.store);
      expect(await ctx.store.getDeployment('d1')).to.deep.equal(s.d1);
      expect(await ctx.store.getDeployment('d3')).to.deep.equal(s.d3);
      expect(await ctx.store.getDeployment('nope')).to.equal(undefined);
      expect(await ctx.store.getResources('d1')).to.deep.equal(s.d1Resources);
      expect(await ctx.store.getResources('nope')).to.deep.equal([]);
      expect(await ctx.store.getDefinition(s.invoice1.id)).to.deep.equal(s.invoice1);
      expect(await ctx.store.getDefinition(s.review1.id)).to.deep.equal(s.review1);
      expect(await ctx.store.getDefinition('nope')).to.equal(undefined);
    });

    it('rejects a duplicate deployment id or definition version with Conflict, writing nothing', async function () {
      const s = await seedDeployments(ctx.store);
      await expectRejection(ctx.store.insertDeployment(makeDeployment('d1', { name: 'again' }), [], []), Conflict);
      expect(await ctx.store.getDeployment('d1')).to.deep.equal(s.d1);

      const d4 = makeDeployment('d4');
      await expectRejection(
        ctx.store.insertDeployment(d4, [makeResource('d4', 'x.bpmn')], [makeDefinition('d4', 'other', 1), { ...s.invoice2, deploymentId: 'd4' }]),
        Conflict,
      );
      expect(await ctx.store.getDeployment('d4')).to.equal(undefined);
      expect(await ctx.store.getResources('d4')).to.deep.equal([]);
      expect(await ctx.store.countDefinitions({ key: 'other' })).to.equal(0);
    });

    it('finds and counts deployments by filter, sorted and paged', async function () {
      await seedDeployments(ctx.store);
      expect(ids(await ctx.store.findDeployments({}))).to.deep.equal(['d1', 'd2', 'd3']);
      expect(ids(await ctx.store.findDeployments({ source: 'modeler' }))).to.deep.equal(['d1', 'd2']);
      expect(ids(await ctx.store.findDeployments({ name: 'invoice-app' }))).to.deep.equal(['d1', 'd2']);
      expect(ids(await ctx.store.findDeployments({ nameLike: '%fix' }))).to.deep.equal(['d3']);
      expect(ids(await ctx.store.findDeployments({ id: 'd2' }))).to.deep.equal(['d2']);
      expect(ids(await ctx.store.findDeployments({ sortBy: 'deploymentTime', sortOrder: 'desc' }))).to.deep.equal(['d3', 'd2', 'd1']);
      expect(ids(await ctx.store.findDeployments({ sortBy: 'name', sortOrder: 'asc' }))).to.deep.equal(['d3', 'd1', 'd2']);
      expect(ids(await ctx.store.findDeployments({ firstResult: 1, maxResults: 1 }))).to.deep.equal(['d2']);
      expect(await ctx.store.countDeployments({})).to.equal(3);
      expect(await ctx.store.countDeployments({ source: 'modeler', maxResults: 1 })).to.equal(2);
    });

    it('finds and counts definitions by key, name, deployment, version and tag', async function () {
      const s = await seedDeployments(ctx.store);
      expect(ids(await ctx.store.findDefinitions({}))).to.deep.equal([s.invoice1.id, s.invoice2.id, s.invoice3.id, s.review1.id]);
      expect(ids(await ctx.store.findDefinitions({ key: 'invoice' }))).to.deep.equal([s.invoice1.id, s.invoice2.id, s.invoice3.id]);
      expect(ids(await ctx.store.findDefinitions({ keyLike: 'rev%' }))).to.deep.equal([s.review1.id]);
      expect(ids(await ctx.store.findDefinitions({ name: 'Invoice' }))).to.deep.equal([s.invoice1.id, s.invoice2.id]);
      expect(ids(await ctx.store.findDefinitions({ nameLike: '%v3' }))).to.deep.equal([s.invoice3.id]);
      expect(ids(await ctx.store.findDefinitions({ deploymentId: 'd1' }))).to.deep.equal([s.invoice1.id, s.review1.id]);
      expect(ids(await ctx.store.findDefinitions({ version: 2 }))).to.deep.equal([s.invoice2.id]);
      expect(ids(await ctx.store.findDefinitions({ versionTag: '2.0' }))).to.deep.equal([s.invoice2.id]);
      expect(ids(await ctx.store.findDefinitions({ id: s.review1.id }))).to.deep.equal([s.review1.id]);
      expect(ids(await ctx.store.findDefinitions({ key: 'invoice', sortBy: 'version', sortOrder: 'desc' }))).to.deep.equal([s.invoice3.id, s.invoice2.id, s.invoice1.id]);
      expect(ids(await ctx.store.findDefinitions({ key: 'invoice', firstResult: 1, maxResults: 1 }))).to.deep.equal([s.invoice2.id]);
      expect(await ctx.store.countDefinitions({ key: 'invoice' })).to.equal(3);
      expect(await ctx.store.countDefinitions({ nameLike: 'Invoice%' })).to.equal(3);
    });

    it('latestVersion keeps only the highest version of each key (over all versions of the key)', async function () {
      const s = await seedDeployments(ctx.store);
      expect(await ctx.store.findDefinitions({ latestVersion: true })).to.deep.equal([s.invoice3, s.review1]);
      expect(await ctx.store.countDefinitions({ latestVersion: true })).to.equal(2);
      expect(ids(await ctx.store.findDefinitions({ latestVersion: true, key: 'invoice' }))).to.deep.equal([s.invoice3.id]);
      // The latest invoice lives in d3, so d1 contributes only review.
      expect(ids(await ctx.store.findDefinitions({ latestVersion: true, deploymentId: 'd1' }))).to.deep.equal([s.review1.id]);
    });

    it('latestDefinition returns the highest version of a key', async function () {
      const s = await seedDeployments(ctx.store);
      expect(await ctx.store.latestDefinition('invoice')).to.deep.equal(s.invoice3);
      expect(await ctx.store.latestDefinition('review')).to.deep.equal(s.review1);
      expect(await ctx.store.latestDefinition('nope')).to.equal(undefined);
    });

    it('latestResourceByName returns the most recent resource of that name for the source', async function () {
      const s = await seedDeployments(ctx.store);
      expect(await ctx.store.latestResourceByName('invoice.bpmn', 'modeler')).to.deep.equal(s.d2Resources[0]);
      expect(await ctx.store.latestResourceByName('invoice.bpmn', null)).to.deep.equal(s.d3Resources[0]);
      expect(await ctx.store.latestResourceByName('form.json', 'modeler')).to.deep.equal(s.d1Resources[1]);
      expect(await ctx.store.latestResourceByName('form.json', null)).to.equal(undefined);
      expect(await ctx.store.latestResourceByName('invoice.bpmn', 'cockpit')).to.equal(undefined);
    });

    it('deleteDeployment removes the deployment, its resources and definitions, not instances', async function () {
      const s = await seedDeployments(ctx.store);
      const instance = await createInstance(ctx.store, makeInstance('i1', { definitionId: s.invoice2.id }));
      await ctx.store.deleteDeployment('d2');
      expect(await ctx.store.getDeployment('d2')).to.equal(undefined);
      expect(await ctx.store.getResources('d2')).to.deep.equal([]);
      expect(await ctx.store.getDefinition(s.invoice2.id)).to.equal(undefined);
      expect(await ctx.store.countDefinitions({ deploymentId: 'd2' })).to.equal(0);
      expect(await ctx.store.latestResourceByName('invoice.bpmn', 'modeler')).to.deep.equal(s.d1Resources[0]);
      // Other deployments untouched.
      expect(await ctx.store.getDeployment('d1')).to.deep.equal(s.d1);
      expect(await ctx.store.getResources('d1')).to.deep.equal(s.d1Resources);
      expect(ids(await ctx.store.findDefinitions({ key: 'invoice' }))).to.deep.equal([s.invoice1.id, s.invoice3.id]);
      expect(await ctx.store.getInstance('i1')).to.deep.equal(instance);
      // Deleting an unknown deployment is a no-op.
      await ctx.store.deleteDeployment('nope');
      expect(await ctx.store.countDeployments({})).to.equal(2);
    });
  });
}
