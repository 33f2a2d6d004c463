/**
 * What the task routes call: check a completion against the task's deployed form, and serve
 * the form (`GET /task/{id}/deployed-form`).
 */
import { toPlain, type TypedVariables } from '../engine/variables.ts';
import { NotFound } from '../errors.ts';
import type { Store, TaskRecord } from '../store/store.ts';
import { formResolver, FormNotDeployed, type DeployedForm } from './formResolver.ts';
import { validateSubmission } from './validateSubmission.ts';

type TaskFormStore = Pick<Store, 'getDefinition' | 'getResources' | 'getDeployment' | 'findDeployments' | 'getInstance'>;

/**
 * Before a task is completed: 400 (ValidationError naming the field) if the submitted
 * variables do not satisfy the task's form, 409 if the form key names a form that is not
 * deployed. Tasks without a deployed form (no key, `camunda-forms:app:…`, embedded …) pass.
 * `existing` for the rules is the instance's variables with the task's local ones over them.
 */
export async function checkTaskForm(store: TaskFormStore, task: TaskRecord, variables: TypedVariables): Promise<void> {
  const form = await formResolver(store).resolve(task);
  if (!form) return;
  const instance = await store.getInstance(task.instanceId);
  const existing = toPlain({ ...(instance?.variables ?? {}), ...task.localVariables });
  validateSubmission(form.schema, variables, existing);
}

/** The task's deployed form; 404 if it has none (or it is not deployed). */
export async function deployedForm(store: TaskFormStore, task: TaskRecord): Promise<DeployedForm> {
  let form: DeployedForm | undefined;
  try {
    form = await formResolver(store).resolve(task);
  } catch (err) {
    if (err instanceof FormNotDeployed) throw new NotFound(err.message);
    throw err;
  }
  if (!form) throw new NotFound(`Task ${task.id} has no deployed form${task.formKey ? ` (form key ${task.formKey})` : ''}`);
  return form;
}
