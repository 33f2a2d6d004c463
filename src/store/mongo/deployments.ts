/**
 * Deployments without multi-document transactions. `insertDeployment` must be atomic (all of the
 * deployment, its resources and definitions, or nothing), so:
 * 1. the deployment document is inserted first with `pending: 'inserting'` (a duplicate id is a
 *    Conflict before anything else is written);
 * 2. resources and definitions are inserted with `pending: true` (the unique (key, version) index
 *    turns a taken definition version into a Conflict; what was inserted is then removed);
 * 3. the deployment is marked `pending: 'publishing'`, the flag is removed from its resources and
 *    definitions, and finally from the deployment itself.
 * Every read ignores pending documents, so a deployment appears whole. A crash in step 3 is
 * finished by `sweep()` (roll forward); a crash before it leaves an 'inserting' deployment that
 * `sweep()` removes once it is older than the grace period (roll back).
 */
import { ObjectId } from 'mongodb';
import { systemClock } from '../../clock.ts';
import { Conflict } from '../../errors.ts';
import type { DefinitionQuery, DefinitionRecord, DeploymentQuery, DeploymentRecord, ResourceRecord } from '../store.ts';
import {
  byId, definitionFromDoc, definitionToDoc, deploymentFromDoc, deploymentToDoc, resourceFromDoc, resourceToDoc, type Doc,
} from './docs.ts';
import { domainError } from './errors.ts';
import * as q from './queries.ts';
import type { Collections } from './schema.ts';

export class Deployments {
  constructor(private readonly c: Collections) {}

  async insert(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[]): Promise<void> {
    const { c } = this;
    const doc = { ...deploymentToDoc(deployment, new ObjectId()), pending: 'inserting' };
    try {
      await c.deployments.insertOne(doc);
    } catch (err) {
      throw domainError(err, () => new Conflict(`deployment ${deployment.id} already exists`));
    }
    try {
      if (resources.length > 0) {
        await c.resources.insertMany(resources.map((r, pos) => ({ ...resourceToDoc(r, pos, doc), pending: true })));
      }
      if (definitions.length > 0) {
        await c.definitions.insertMany(definitions.map((d) => ({ ...definitionToDoc(d), pending: true })));
      }
    } catch (err) {
      await this.rollBack(deployment.id);
      throw domainError(err, () => new Conflict(`deployment ${deployment.id}: duplicate resource/definition id or definition version`));
    }
    await this.publish(deployment.id);
  }

  // Reads (pending documents are invisible; by-id reads check the flag after a primary-key lookup).

  async get(id: string): Promise<DeploymentRecord | undefined> {
    const d = await this.c.deployments.findOne(byId(id));
    return d && d.pending === undefined ? deploymentFromDoc(d) : undefined;
  }

  async find(query: DeploymentQuery): Promise<DeploymentRecord[]> {
    return q.findPage(this.c.deployments, q.deploymentFilter(query), q.deploymentSort(query), q.paging(query), deploymentFromDoc);
  }

  async count(query: DeploymentQuery): Promise<number> {
    return this.c.deployments.countDocuments(q.deploymentFilter(query));
  }

  async resources(deploymentId: string): Promise<ResourceRecord[]> {
    const rows = await this.c.resources.find({ deploymentId: { $eq: deploymentId }, ...q.NOT_PENDING }, { sort: { pos: 1 } }).toArray();
    return rows.map(resourceFromDoc);
  }

  async definition(id: string): Promise<DefinitionRecord | undefined> {
    const d = await this.c.definitions.findOne(byId(id));
    return d && d.pending === undefined ? definitionFromDoc(d) : undefined;
  }

  async findDefinitions(query: DefinitionQuery): Promise<DefinitionRecord[]> {
    const sort = q.definitionSort(query);
    const paging = q.paging(query);
    return q.findPage(this.c.definitions, await q.definitionFilter(query, this.latestIds), sort, paging, definitionFromDoc);
  }

  async countDefinitions(query: DefinitionQuery): Promise<number> {
    return this.c.definitions.countDocuments(await q.definitionFilter(query, this.latestIds));
  }

  async latestDefinition(key: string): Promise<DefinitionRecord | undefined> {
    const d = await this.c.definitions.findOne({ key: { $eq: key }, ...q.NOT_PENDING }, { sort: { version: -1 } });
    return d ? definitionFromDoc(d) : undefined;
  }

  /** "Latest" = most recent deployment time; equal times fall back to insertion order. */
  async latestResourceByName(name: string, source: string | null): Promise<ResourceRecord | undefined> {
    const d = await this.c.resources.findOne(
      { name: { $eq: name }, deploymentSource: { $eq: source }, ...q.NOT_PENDING },
      { sort: { deploymentTime: -1, deploymentSeq: -1, pos: -1 } },
    );
    return d ? resourceFromDoc(d) : undefined;
  }

  /** latestVersion: ids of the highest version of each key matching `keyFilter` (FerretDB 1.x has no `$max`). */
  private readonly latestIds = async (keyFilter: q.Query): Promise<string[]> => {
    const rows = await this.c.definitions.find(keyFilter, { projection: { key: 1, version: 1 } }).toArray();
    const latest = new Map<string, Doc>();
    for (const row of rows) {
      const seen = latest.get(row.key);
      if (!seen || Number(row.version) > Number(seen.version)) latest.set(row.key, row);
    }
    return [...latest.values()].map((d) => d._id);
  };

  async delete(id: string): Promise<void> {
    await this.c.definitions.deleteMany({ deploymentId: { $eq: id } });
    await this.c.resources.deleteMany({ deploymentId: { $eq: id } });
    await this.c.deployments.deleteOne(byId(id));
  }

  /**
   * Finishes interrupted publications and removes insertions older than `graceMs` of wall time
   * (crash detection, not business time: the system clock, never a controlled one). Returns how many.
   */
  async sweep(graceMs: number): Promise<number> {
    const pending = await this.c.deployments.find({ pending: { $exists: true } }, { projection: { pending: 1, seq: 1 } }).toArray();
    let swept = 0;
    for (const d of pending) {
      if (d.pending === 'publishing') {
        await this.publish(d._id);
        swept++;
      } else if (d.seq instanceof ObjectId && systemClock.now() - d.seq.getTimestamp().getTime() > graceMs) {
        await this.rollBack(d._id);
        swept++;
      }
    }
    return swept;
  }

  private async publish(id: string): Promise<void> {
    const { c } = this;
    await c.deployments.updateOne({ _id: { $eq: id }, pending: { $exists: true } }, { $set: { pending: 'publishing' } });
    await c.resources.updateMany({ deploymentId: { $eq: id }, pending: { $exists: true } }, { $unset: { pending: '' } });
    await c.definitions.updateMany({ deploymentId: { $eq: id }, pending: { $exists: true } }, { $unset: { pending: '' } });
    await c.deployments.updateOne(byId(id), { $unset: { pending: '' } });
  }

  private async rollBack(id: string): Promise<void> {
    const { c } = this;
    await c.definitions.deleteMany({ deploymentId: { $eq: id }, pending: { $exists: true } });
    await c.resources.deleteMany({ deploymentId: { $eq: id }, pending: { $exists: true } });
    await c.deployments.deleteOne({ _id: { $eq: id }, pending: { $eq: 'inserting' } });
  }
}
