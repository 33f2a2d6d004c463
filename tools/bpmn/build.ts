/**
 * Writes the generated diagrams and their forms: `node --import tsx tools/bpmn/build.ts`.
 * processes/<id>.bpmn and processes/forms/<taskId>.form; commit the output.
 * Forms are shared by task id across processes: two diagrams may use the same task id only with
 * the same fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGRAMS } from './diagrams.ts';
import { formSchema } from './forms.ts';
import { toXml } from './layout.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const written = new Map<string, string>();

for (const { spec, forms } of DIAGRAMS) {
  const file = path.join(root, 'processes', `${spec.processId}.bpmn`);
  fs.writeFileSync(file, toXml(spec));
  console.log(`wrote ${path.relative(root, file)}`);
  fs.mkdirSync(path.join(root, 'processes', 'forms'), { recursive: true });
  for (const [taskId, fields] of Object.entries(forms)) {
    const content = JSON.stringify(formSchema(taskId, fields), null, 2) + '\n';
    const prior = written.get(taskId);
    if (prior !== undefined && prior !== content) throw new Error(`form ${taskId} is described twice with different fields (${spec.processId})`);
    written.set(taskId, content);
    const formFile = path.join(root, 'processes', 'forms', `${taskId}.form`);
    fs.writeFileSync(formFile, content);
    console.log(`wrote ${path.relative(root, formFile)}`);
  }
}
