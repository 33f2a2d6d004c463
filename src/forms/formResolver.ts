/**
 * Finds the form of a user task. Only `camunda-forms:deployment:<name>` form keys name a
 * form this service knows: the resource `<name>` deployed with the task's process definition
 * (as Camunda 7 resolves it). Other form keys (`camunda-forms:app:…`, embedded/external
 * forms, none) have no deployed form: completion is not validated.
 *
 * Resolution, in order:
 * 1. the resource named exactly `<name>` in the definition's deployment (or, if there is none,
 *    the only resource there whose name ends in `/<name>`: a deployment made with folders);
 * 2. ◆ deploy-changed-only: a deployment with a source (the startup deploy, Camunda Modeler)
 *    may hold only the diagrams that changed, the unchanged forms staying in earlier
 *    deployments of the same source. Then the form comes from the newest deployment of the
 *    same source made no later than the definition's deployment.
 * A form key naming a form that is found nowhere answers 409 (`FormNotDeployed`): completing
 * without the form's checks would be wrong, and the fix is a deployment. A form that is there
 * but not a usable form-js schema also answers 409 (`FormNotUsable`).
 *
 * Parsed schemas are cached per (definition's deployment, name): resources never change
 * after deployment. The cache is bounded (least recently used entries go first).
 */
import { DomainError } from '../errors.ts';
import type { DeploymentRecord, ResourceRecord, Store, TaskRecord } from '../store/store.ts';
import { FormSchemaError, parseFormSchema, type FormSchema } from './formSchema.ts';

export const DEPLOYMENT_FORM_PREFIX = 'camunda-forms:deployment:';

/** 409: the task's form key names a form that is not deployed with its process. */
export class FormNotDeployed extends DomainError {
  override readonly status = 409;
  override readonly type = 'InvalidRequestException';
}

/** 409: the task's form is deployed but is not a usable form-js schema. */
export class FormNotUsable extends DomainError {
  override readonly status = 409;
  override readonly type = 'InvalidRequestException';
}

export interface DeployedForm {
  /** The name from the form key. */
  name: string;
  /** The resource the form was read from (its deployment may be an earlier one, see above). */
  resource: Pick<ResourceRecord, 'id' | 'deploymentId' | 'name'>;
  /** The form JSON exactly as deployed. */
  content: string;
  schema: FormSchema;
}

export type FormStore = Pick<Store, 'getDefinition' | 'getResources' | 'getDeployment' | 'findDeployments'>;
type FormTask = Pick<TaskRecord, 'formKey' | 'definitionId' | 'taskDefinitionKey'>;

/** `camunda-forms:deployment:x.form` → `x.form`; undefined for any other form key. */
export function deploymentFormName(formKey: string | null | undefined): string | undefined {
  if (typeof formKey !== 'string' || !formKey.startsWith(DEPLOYMENT_FORM_PREFIX)) return undefined;
  const name = formKey.slice(DEPLOYMENT_FORM_PREFIX.length).trim();
  return name || undefined;
}

function byName(resources: ResourceRecord[], name: string): ResourceRecord | undefined {
  const exact = resources.find((r) => r.name === name);
  if (exact) return exact;
  const nested = resources.filter((r) => r.name.endsWith('/' + name));
  return nested.length === 1 ? nested[0] : undefined;
}

const SCAN_DEPLOYMENTS = 200;

export class FormResolver {
  private readonly cache = new Map<string, DeployedForm>();

  constructor(
    private readonly store: FormStore,
    private readonly maxEntries = 256,
  ) {}

  /** The task's deployed form; undefined if its form key does not name one. Throws FormNotDeployed/FormNotUsable (409). */
  async resolve(task: FormTask): Promise<DeployedForm | undefined> {
    const name = deploymentFormName(task.formKey);
    if (!name) return undefined;
    const notDeployed = () => new FormNotDeployed(`Form ${name} referenced by task ${task.taskDefinitionKey} is not deployed`, { form: name, taskDefinitionKey: task.taskDefinitionKey });
    const definition = await this.store.getDefinition(task.definitionId);
    if (!definition) throw notDeployed();
    const cacheKey = `${definition.deploymentId}\0${name}`;
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached;
    }
    const resource = await this.find(definition.deploymentId, name);
    if (!resource) throw notDeployed();
    let schema: FormSchema;
    try {
      schema = parseFormSchema(resource.content, name);
    } catch (err) {
      if (err instanceof FormSchemaError) {
        throw new FormNotUsable(`Form ${name} referenced by task ${task.taskDefinitionKey} is not a usable form: ${err.message}`, { form: name, taskDefinitionKey: task.taskDefinitionKey });
      }
      throw err;
    }
    const form: DeployedForm = { name, resource: { id: resource.id, deploymentId: resource.deploymentId, name: resource.name }, content: resource.content, schema };
    this.cache.set(cacheKey, form);
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return form;
  }

  private async find(deploymentId: string, name: string): Promise<ResourceRecord | undefined> {
    const own = byName(await this.store.getResources(deploymentId), name);
    if (own) return own;
    const deployment = await this.store.getDeployment(deploymentId);
    if (!deployment?.source) return undefined;
    const earlier: DeploymentRecord[] = (
      await this.store.findDeployments({ source: deployment.source, sortBy: 'deploymentTime', sortOrder: 'desc', maxResults: SCAN_DEPLOYMENTS })
    ).filter((d) => d.id !== deploymentId && d.source === deployment.source && d.deploymentTime <= deployment.deploymentTime);
    for (const d of earlier) {
      const hit = byName(await this.store.getResources(d.id), name);
      if (hit) return hit;
    }
    return undefined;
  }
}

const resolvers = new WeakMap<object, FormResolver>();

/** The resolver (and its cache) of one store. */
export function formResolver(store: FormStore): FormResolver {
  let r = resolvers.get(store);
  if (!r) {
    r = new FormResolver(store);
    resolvers.set(store, r);
  }
  return r;
}
