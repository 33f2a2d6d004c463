/**
 * Writes the generated diagrams and their forms: `node --import tsx tools/bpmn/build.ts`.
 * processes/<id>.bpmn and processes/forms/<taskId>.form; commit the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ankommensverfahren } from './ankommensverfahren.ts';
import { FORMS } from './ankommensverfahrenForms.ts';
import { formSchema, type Field } from './forms.ts';
import { toXml, type DiagramSpec } from './layout.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targets: Array<{ spec: DiagramSpec; forms: Record<string, Field[]> }> = [{ spec: ankommensverfahren, forms: FORMS }];

for (const { spec, forms } of targets) {
  const file = path.join(root, 'processes', `${spec.processId}.bpmn`);
  fs.writeFileSync(file, toXml(spec));
  console.log(`wrote ${path.relative(root, file)}`);
  fs.mkdirSync(path.join(root, 'processes', 'forms'), { recursive: true });
  for (const [taskId, fields] of Object.entries(forms)) {
    const formFile = path.join(root, 'processes', 'forms', `${taskId}.form`);
    fs.writeFileSync(formFile, JSON.stringify(formSchema(taskId, fields), null, 2) + '\n');
    console.log(`wrote ${path.relative(root, formFile)}`);
  }
}
