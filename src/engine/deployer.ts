/**
 * Deployments with Camunda 7's semantics: every deploy of a changed diagram adds a version;
 * with duplicate filtering an identical deployment adds nothing; with deploy-changed-only only
 * changed resources are deployed. Diagrams are validated (XML guard, scripts, FEEL, lint)
 * before anything is written.
 */
import { createHash } from 'node:crypto';
import { parseDiagram } from '../bpmn/parseDiagram.ts';
import type { LintFinding, ParsedDiagram } from '../bpmn/model.ts';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import type { DefinitionRecord, DeploymentRecord, ResourceRecord, Store } from '../store/store.ts';
import { newId } from './ids.ts';
import { KeyedQueue } from './keyedQueue.ts';

export interface DeployFile {
  name: string;
  content: Buffer;
}

export interface DeployRequest {
  name?: string | null;
  source?: string | null;
  enableDuplicateFiltering?: boolean;
  deployChangedOnly?: boolean;
  files: DeployFile[];
}

export interface DeployResult {
  deployment: DeploymentRecord;
  definitions: DefinitionRecord[];
  resources: ResourceRecord[];
  warnings: Array<LintFinding & { resource: string }>;
  /** False when duplicate filtering found nothing new (the latest matching deployment is returned). */
  created: boolean;
}

const BPMN_FILE = /\.(bpmn|bpmn20\.xml)$/i;
const RESOURCE_NAME = /^[^\0/\\][^\0]{0,254}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function historyTtl(raw: string | undefined): number | null {
  if (!raw) return null;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  const m = /^P(\d+)D$/.exec(raw);
  return m ? Number(m[1]) : null;
}

export class Deployer {
  private readonly lock = new KeyedQueue();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly limits: { maxFileBytes: number } = { maxFileBytes: 5 * 1024 * 1024 },
  ) {}

  deploy(request: DeployRequest): Promise<DeployResult> {
    // Versions are computed from what is stored: one deploy at a time per process.
    return this.lock.run('deploy', () => this.deployNow(request));
  }

  private async deployNow(request: DeployRequest): Promise<DeployResult> {
    if (!request.files.length) throw new ValidationError('A deployment needs at least one resource');
    const names = new Set<string>();
    for (const f of request.files) {
      if (!RESOURCE_NAME.test(f.name)) throw new ValidationError(`Invalid resource name: ${JSON.stringify(f.name).slice(0, 80)}`);
      if (names.has(f.name)) throw new ValidationError(`Duplicate resource name: ${f.name}`);
      names.add(f.name);
    }

    // Parse everything first: a bad file fails the whole deployment and nothing is written.
    const parsed = new Map<string, ParsedDiagram>();
    const texts = new Map<string, string>();
    for (const f of request.files) {
      if (BPMN_FILE.test(f.name)) {
        const diagram = await parseDiagram(f.content, { maxBytes: this.limits.maxFileBytes });
        parsed.set(f.name, diagram);
      }
      const text = f.content.toString('utf8');
      if (!BPMN_FILE.test(f.name) && f.name.endsWith('.form')) {
        try {
          JSON.parse(text);
        } catch {
          throw new ValidationError(`Form ${f.name} is not valid JSON`);
        }
      }
      texts.set(f.name, text);
    }

    const source = request.source ?? null;
    let files = request.files;
    if (request.enableDuplicateFiltering || request.deployChangedOnly) {
      const changed: DeployFile[] = [];
      for (const f of files) {
        const previous = await this.store.latestResourceByName(f.name, source);
        if (!previous || previous.hash !== sha256(texts.get(f.name)!)) changed.push(f);
      }
      if (!changed.length) {
        const previous = await this.store.latestResourceByName(files[0].name, source);
        const deployment = previous ? await this.store.getDeployment(previous.deploymentId) : undefined;
        if (deployment) return { deployment, definitions: [], resources: await this.store.getResources(deployment.id), warnings: [], created: false };
      }
      if (request.deployChangedOnly) files = changed;
    }

    const deployment: DeploymentRecord = {
      id: newId(),
      name: request.name ?? null,
      source,
      deploymentTime: new Date(this.clock.now()).toISOString(),
      tenantId: null,
    };
    const resources: ResourceRecord[] = [];
    const definitions: DefinitionRecord[] = [];
    const warnings: DeployResult['warnings'] = [];
    const keysSeen = new Set<string>();
    for (const f of files) {
      const content = texts.get(f.name)!;
      const hash = sha256(content);
      resources.push({ id: newId(), deploymentId: deployment.id, name: f.name, content, hash });
      const diagram = parsed.get(f.name);
      if (!diagram) continue;
      for (const w of diagram.warnings) warnings.push({ ...w, resource: f.name });
      for (const process of diagram.processes) {
        if (keysSeen.has(process.id)) throw new ValidationError(`Process ${process.id} is defined twice in this deployment`);
        keysSeen.add(process.id);
        const latest = await this.store.latestDefinition(process.id);
        const version = (latest?.version ?? 0) + 1;
        definitions.push({
          id: `${process.id}:${version}:${newId()}`,
          key: process.id,
          name: process.name ?? null,
          version,
          versionTag: process.versionTag ?? null,
          deploymentId: deployment.id,
          resourceName: f.name,
          hash,
          executable: process.isExecutable,
          model: process,
          xml: content,
          historyTimeToLive: historyTtl(process.historyTimeToLive),
        });
      }
    }
    await this.store.insertDeployment(deployment, resources, definitions);
    return { deployment, definitions, resources, warnings, created: true };
  }
}
