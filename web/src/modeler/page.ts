/**
 * The modeler page (loaded on demand by route.ts): the deployed processes with their versions;
 * a version (or the template) in the bpmn-js Modeler with the properties panel (Camunda 7
 * provider), linted as you edit with the server's rules; its forms in the form-js editor;
 * "Als neue Version bereitstellen" deploys the diagram with the forms it names, shows the new
 * version, and marks the elements a refused deploy names.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import { config as lintConfig, resolver as lintResolver } from 'virtual:kim-bpmnlint';
import { ApiError, get } from '../api.ts';
import { h, replace } from '../dom.ts';
import type { App, Dispose, View } from '../main.ts';
import { deploy, deployedFormName, getText, type DeployFile, type Finding } from './deploy.ts';
import type { FormEditing } from './forms.ts';
import { deployErrorText, problemText } from './messages.ts';
import { emptyForm, newTemplate } from './template.ts';
import { germanTranslate } from './translate.ts';

interface Definition {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deploymentId: string;
  resource: string | null;
}

interface Resource {
  id: string;
  name: string;
}

/** A form of the diagram: as deployed (null: new) and as edited. */
interface FormFile {
  deployed: string | null;
  current: string;
}

interface Model {
  definition: Definition | null;
  xml: string;
  forms: Map<string, FormFile>;
}

const EXPORTER = { name: 'KIM Herne Modeler', version: '1.0' };

let stylesLoaded: Promise<void> | null = null;

/** The modeler's stylesheet (built apart, see web/build.mjs), loaded once. */
function loadStyles(): Promise<void> {
  stylesLoaded ??= new Promise((resolve) => {
    const link = h('link', { rel: 'stylesheet', href: __KIM_MODELER_CSS__, 'data-kim-modeler': true });
    link.addEventListener('load', () => resolve());
    link.addEventListener('error', () => resolve());
    document.head.append(link);
  });
  return stylesLoaded;
}

const enc = encodeURIComponent;
const processName = (d: { name: string | null; key: string }) => d.name || d.key;

// ---------------------------------------------------------------------------------------------
// The list of deployed processes

export const listView: View = async (_app, root, _params, alive) => {
  document.title = 'Modeler – KIM Herne';
  const [latest, all] = await Promise.all([
    get<Definition[]>('/engine-rest/process-definition?latestVersion=true&sortBy=name&sortOrder=asc'),
    get<Definition[]>('/engine-rest/process-definition?sortBy=version&sortOrder=desc'),
  ]);
  if (!alive()) return;
  const versions = new Map<string, Definition[]>();
  for (const d of all) versions.set(d.key, [...(versions.get(d.key) ?? []), d]);

  const rows = latest.map((d) =>
    h(
      'tr',
      { 'data-key': d.key },
      h('td', null, h('a', { href: `/modeler/${enc(d.id)}`, class: 'task-link', 'data-link': true }, processName(d))),
      h('td', { class: 'col-business-key' }, d.key),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'modeler-versions' },
          (versions.get(d.key) ?? [d]).map((v) =>
            h('a', { href: `/modeler/${enc(v.id)}`, class: `version-link${v.id === d.id ? ' latest' : ''}`, 'data-link': true, 'data-version': String(v.version), title: `Version ${v.version} öffnen` }, `v${v.version}`),
          ),
        ),
      ),
      h('td', { class: 'col-actions' }, h('a', { href: `/modeler/${enc(d.id)}`, class: 'button-link', 'data-link': true }, 'Öffnen')),
    ),
  );
  replace(
    root,
    h(
      'section',
      { class: 'panel modeler-list' },
      h(
        'div',
        { class: 'task-title' },
        h('h1', null, 'Modeler: Prozesse'),
        h('div', { class: 'actions' }, h('a', { href: '/modeler/neu', class: 'button-link button-link-primary', 'data-link': true, id: 'modeler-new' }, 'Neues Modell aus Vorlage')),
      ),
      h('p', { class: 'hint' }, 'Eine Version öffnen, im Modeler ändern und als neue Version bereitstellen. Laufende Vorgänge bleiben bei ihrer Version.'),
      latest.length
        ? h(
            'table',
            { class: 'tasks', id: 'modeler-processes' },
            h('thead', null, h('tr', null, h('th', null, 'Prozess'), h('th', null, 'Schlüssel'), h('th', null, 'Versionen'), h('th', { class: 'col-actions' }, ''))),
            h('tbody', null, rows),
          )
        : h('p', { class: 'empty' }, 'Es sind noch keine Prozesse bereitgestellt.'),
    ),
  );
};

// ---------------------------------------------------------------------------------------------
// A version, or the template, in the modeler

export const newView: View = async (app, root, _params, alive) => {
  const t = newTemplate();
  const forms = new Map([...t.forms].map(([name, text]) => [name, { deployed: null, current: text }]));
  return openEditor(app, root, alive, { definition: null, xml: t.xml, forms });
};

export const editView: View = async (app, root, params, alive) => {
  let definition: Definition;
  try {
    definition = await get<Definition>(`/engine-rest/process-definition/${enc(params.id!)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      document.title = 'Prozess nicht gefunden – KIM Herne';
      replace(root, h('section', { class: 'panel' }, h('h1', null, 'Prozess nicht gefunden'), h('p', null, 'Diese Version gibt es nicht (mehr).'), h('p', null, h('a', { href: '/modeler', 'data-link': true }, 'Zur Prozessliste'))));
      return;
    }
    throw err;
  }
  const [xml, resources] = await Promise.all([
    get<{ bpmn20Xml: string }>(`/engine-rest/process-definition/${enc(definition.id)}/xml`).then((r) => r.bpmn20Xml),
    get<Resource[]>(`/engine-rest/deployment/${enc(definition.deploymentId)}/resources`),
  ]);
  // The forms the diagram names, from its deployment (where Camunda 7 looks for them too).
  const names = new Set([...xml.matchAll(/camunda:formKey="camunda-forms:deployment:([^"]+)"/g)].map((m) => unescapeXml(m[1]!)));
  const forms = new Map<string, FormFile>();
  await Promise.all(
    resources
      .filter((r) => names.has(r.name))
      .map(async (r) => {
        const text = await getText(`/engine-rest/deployment/${enc(definition.deploymentId)}/resources/${enc(r.id)}/data`);
        forms.set(r.name, { deployed: text, current: text });
      }),
  );
  if (!alive()) return;
  return openEditor(app, root, alive, { definition, xml, forms });
};

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every element with a `camunda-forms:deployment:` form key, by form name. */
function formUsages(definitions: any): Map<string, Array<{ id: string; name: string }>> {
  const found = new Map<string, Array<{ id: string; name: string }>>();
  const visit = (el: any) => {
    const formName = deployedFormName(el.get?.('camunda:formKey'));
    if (formName) found.set(formName, [...(found.get(formName) ?? []), { id: el.id, name: el.name || el.id }]);
    for (const child of el.flowElements ?? []) visit(child);
  };
  for (const root of definitions?.rootElements ?? []) if (root.$instanceOf('bpmn:Process')) visit(root);
  return found;
}

async function openEditor(app: App, root: HTMLElement, alive: () => boolean, model: Model): Promise<Dispose> {
  await loadStyles();
  if (!alive()) return;
  let definition = model.definition;
  const forms = model.forms;
  let dirty = false;

  // --- the page
  const title = h('h1', { id: 'modeler-title' });
  const versionSelect = h('select', { id: 'modeler-version', 'aria-label': 'Version' });
  const meta = h('div', { class: 'modeler-meta' });
  const dirtyBadge = h('span', { class: 'badge modeler-dirty', id: 'modeler-dirty', hidden: true }, 'Nicht bereitgestellte Änderungen');
  const deployButton = h('button', { type: 'button', class: 'button-primary', id: 'modeler-deploy' }, 'Als neue Version bereitstellen');
  const result = h('section', { class: 'panel modeler-result', id: 'modeler-result', hidden: true });
  const canvasHost = h('div', { class: 'modeler-canvas', id: 'modeler-canvas' });
  const propertiesHost = h('div', { class: 'modeler-properties', id: 'modeler-properties' });
  const diagramTab = h('button', { type: 'button', class: 'tab active', id: 'tab-diagram', 'data-tab': 'diagramm' }, 'Diagramm');
  const formsCount = h('span', { class: 'count' }, '0');
  const formsTab = h('button', { type: 'button', class: 'tab', id: 'tab-forms', 'data-tab': 'formulare' }, 'Formulare ', formsCount);
  const fitButton = h('button', { type: 'button', class: 'button-quiet small' }, 'Ganzes Diagramm');
  const downloadButton = h('button', { type: 'button', class: 'button-quiet small', id: 'modeler-download' }, 'BPMN-Datei herunterladen');
  const diagramPane = h(
    'div',
    { class: 'modeler-pane', id: 'pane-diagram' },
    h('div', { class: 'modeler-workspace' }, canvasHost, propertiesHost),
    h('div', { class: 'diagram-toolbar' }, fitButton, downloadButton, h('span', { class: 'hint' }, 'Die Prüfregeln des Servers laufen beim Bearbeiten mit (Schaltfläche unten im Diagramm); ihre Befunde verhindern keine Bereitstellung.')),
  );
  const formList = h('ul', { class: 'form-list', id: 'form-list' });
  const formEditorHost = h('div', { class: 'form-editor-host', id: 'form-editor' }, h('p', { class: 'hint' }, 'Ein Formular links auswählen.'));
  const formsPane = h(
    'div',
    { class: 'modeler-pane', id: 'pane-forms', hidden: true },
    h('p', { class: 'hint' }, 'Die Formulare, die das Diagramm über „camunda-forms:deployment:…“ nennt. Änderungen werden mit „Als neue Version bereitstellen“ zusammen mit dem Diagramm bereitgestellt.'),
    h('div', { class: 'modeler-forms' }, h('nav', { class: 'form-list-host' }, formList), formEditorHost),
  );

  root.classList.add('view-wide');
  replace(
    root,
    h(
      'div',
      { class: 'modeler-page' },
      h('p', { class: 'back' }, h('a', { href: '/modeler', 'data-link': true }, '← Alle Prozesse')),
      h('section', { class: 'panel modeler-head' }, h('div', { class: 'task-title' }, h('div', null, title, meta), h('div', { class: 'actions' }, dirtyBadge, deployButton))),
      result,
      h('div', { class: 'tabs', role: 'tablist' }, diagramTab, formsTab),
      diagramPane,
      formsPane,
    ),
  );

  // --- the modeler
  const modeler = new Modeler({
    container: canvasHost,
    propertiesPanel: { parent: propertiesHost },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule, CamundaBehaviorsModule, lintModule, germanTranslate],
    moddleExtensions: { camunda: camundaModdle },
    linting: { bpmnlint: { config: lintConfig, resolver: lintResolver }, active: true },
    exporter: EXPORTER,
  } as any);
  const m = modeler as any;
  const canvas = m.get('canvas');
  const registry = m.get('elementRegistry');
  const overlays = m.get('overlays');
  const selection = m.get('selection');
  // For tests and support: the modeler of the open page.
  (window as any).kimModeler = modeler;

  try {
    await modeler.importXML(model.xml);
  } catch (err) {
    replace(canvasHost, h('p', { class: 'form-error', role: 'alert' }, `Das Diagramm kann nicht geöffnet werden: ${(err as Error).message}`));
  }
  if (!alive()) {
    modeler.destroy();
    return;
  }
  canvas.zoom('fit-viewport', 'auto');

  const setDirty = (value: boolean) => {
    dirty = value;
    dirtyBadge.hidden = !value;
  };
  m.on('commandStack.changed', () => setDirty(true));
  const beforeUnload = (ev: BeforeUnloadEvent) => {
    if (!dirty) return;
    ev.preventDefault();
    ev.returnValue = '';
  };
  window.addEventListener('beforeunload', beforeUnload);

  // --- head: title, key, versions
  const mainProcess = (): any => (modeler.getDefinitions() as any)?.rootElements?.find((e: any) => e.$instanceOf('bpmn:Process') && e.isExecutable) ?? (modeler.getDefinitions() as any)?.rootElements?.find((e: any) => e.$instanceOf('bpmn:Process'));
  async function renderHead(): Promise<void> {
    const key = definition?.key ?? mainProcess()?.id ?? '';
    if (definition) {
      title.replaceChildren(processName(definition), ' ', h('span', { class: 'badge badge-version', id: 'modeler-version-badge' }, `Version ${definition.version}`));
      document.title = `${processName(definition)} v${definition.version} – Modeler – KIM Herne`;
      const all = await get<Definition[]>(`/engine-rest/process-definition?key=${enc(key)}&sortBy=version&sortOrder=desc`).catch(() => [definition!]);
      replace(versionSelect, all.map((d) => h('option', { value: d.id, selected: d.id === definition!.id }, `Version ${d.version}${d === all[0] ? ' (aktuell)' : ''}`)));
      replace(meta, h('span', null, 'Schlüssel '), h('code', { id: 'modeler-key' }, key), h('span', { class: 'meta-sep' }, ' · '), h('label', { for: 'modeler-version' }, 'Geöffnet: '), versionSelect);
    } else {
      title.replaceChildren('Neues Modell ', h('span', { class: 'badge badge-version' }, 'Vorlage'));
      document.title = 'Neues Modell – Modeler – KIM Herne';
      replace(meta, h('span', { class: 'hint' }, 'Noch nicht bereitgestellt. Prozess-ID und Namen im Eigenschaftenfeld anpassen (Prozess bzw. Pool auswählen), dann bereitstellen.'));
    }
  }
  versionSelect.addEventListener('change', () => {
    if (dirty && !confirm('Nicht bereitgestellte Änderungen verwerfen und die andere Version öffnen?')) {
      versionSelect.value = definition!.id;
      return;
    }
    setDirty(false);
    app.navigate(`/modeler/${enc(versionSelect.value)}`);
  });
  await renderHead();

  // --- elements named by problems: markers, overlays, selection
  const elementFor = (id: string | undefined): any => {
    if (!id) return null;
    const el = registry.get(id);
    if (el) return el;
    // A process named by a problem: its pool, if it has one.
    return registry.filter((e: any) => e.type === 'bpmn:Participant' && e.businessObject?.processRef?.id === id)[0] ?? null;
  };
  const marked = new Set<string>();
  const clearMarks = () => {
    for (const id of marked) if (registry.get(id)) canvas.removeMarker(id, 'kim-deploy-error');
    overlays.remove({ type: 'kim-deploy-error' });
    marked.clear();
  };
  const focusElement = (id: string | undefined) => {
    const el = elementFor(id);
    if (!el) return;
    showTab('diagramm');
    const elementRoot = canvas.findRoot(el);
    if (elementRoot && elementRoot !== canvas.getRootElement()) canvas.setRootElement(elementRoot);
    centerOn(el);
    selection.select(el);
  };
  /** Shows the element in the middle of the canvas, at a readable scale. */
  const centerOn = (el: any) => {
    if (canvas.viewbox().scale < 0.8) canvas.zoom(1);
    const box = canvas.viewbox();
    const x = el.waypoints ? el.waypoints[0].x : el.x + el.width / 2;
    const y = el.waypoints ? el.waypoints[0].y : el.y + el.height / 2;
    canvas.viewbox({ x: x - box.width / 2, y: y - box.height / 2, width: box.width, height: box.height });
  };
  const labelOf = (id: string | undefined): string => {
    const el = elementFor(id);
    const name = el?.businessObject?.name;
    return name ? `${name} (${el.id})` : (id ?? '');
  };

  function findingItem(f: Finding, kind: 'error' | 'warning'): HTMLElement {
    const text = problemText(f.message);
    const el = elementFor(f.elementId);
    return h(
      'li',
      { class: `finding finding-${kind}`, 'data-element-id': f.elementId ?? '', title: f.message },
      el ? h('button', { type: 'button', class: 'link-button', onclick: () => focusElement(f.elementId) }, labelOf(f.elementId)) : f.elementId ? h('code', null, f.elementId) : null,
      el || f.elementId ? ': ' : null,
      text,
    );
  }

  function markProblems(problems: Finding[]): void {
    for (const p of problems) {
      const el = elementFor(p.elementId);
      if (!el) continue;
      if (!marked.has(el.id)) {
        canvas.addMarker(el.id, 'kim-deploy-error');
        marked.add(el.id);
      }
      const text = problemText(p.message);
      overlays.add(el.id, 'kim-deploy-error', {
        position: { top: -6, left: -4 },
        html: h('div', { class: 'kim-deploy-error-label', title: text }, text.length > 70 ? `${text.slice(0, 68)} …` : text),
      });
    }
  }

  function showRefusal(heading: string, message: string | null, problems: Finding[]): void {
    replace(
      result,
      h(
        'div',
        { class: 'form-error', role: 'alert', id: 'deploy-errors' },
        h('strong', null, heading),
        message ? h('p', null, message) : null,
        problems.length ? h('ul', { class: 'finding-list' }, problems.map((p) => findingItem(p, 'error'))) : null,
      ),
    );
    result.hidden = false;
    markProblems(problems);
    const first = problems.find((p) => elementFor(p.elementId));
    if (first) focusElement(first.elementId);
    result.scrollIntoView({ block: 'nearest' });
  }

  // --- forms
  let formEditing: FormEditing | null = null;
  let openForm: string | null = null;

  function renderFormList(): void {
    const usages = formUsages(modeler.getDefinitions());
    const names = [...new Set([...usages.keys()])].sort((a, b) => a.localeCompare(b, 'de'));
    formsCount.textContent = String(names.length);
    if (!names.length) {
      replace(formList, h('li', { class: 'hint' }, 'Das Diagramm nennt keine Formulare.'));
      return;
    }
    replace(
      formList,
      names.map((name) => {
        const file = forms.get(name);
        const status = !file ? ['fehlt', 'missing'] : file.deployed === null ? ['neu', 'new'] : file.current !== file.deployed ? ['geändert', 'changed'] : null;
        const users = (usages.get(name) ?? []).map((u) => u.name).join(', ');
        return h(
          'li',
          { class: `form-item${openForm === name ? ' active' : ''}`, 'data-form': name },
          file
            ? h('button', { type: 'button', class: 'link-button form-open', onclick: () => void showForm(name) }, name)
            : h('span', { class: 'form-name' }, name),
          status ? h('span', { class: `badge form-status form-${status[1]}` }, status[0]) : null,
          h('div', { class: 'form-users' }, users),
          file
            ? null
            : h('button', { type: 'button', class: 'button-quiet small', onclick: () => {
                forms.set(name, { deployed: null, current: emptyForm(name) });
                setDirty(true);
                void showForm(name);
              } }, 'Leeres Formular anlegen'),
        );
      }),
    );
  }

  async function showForm(name: string): Promise<void> {
    const file = forms.get(name);
    if (!file) return;
    openForm = name;
    try {
      // The form editor is loaded when a form is first opened.
      formEditing ??= (await import('./forms.ts')).createFormEditing(formEditorHost);
      if (!alive()) return;
      await formEditing.open(name, file.current, (text) => {
        file.current = text;
        setDirty(true);
        renderFormList();
      });
    } catch (err) {
      replace(formEditorHost, h('p', { class: 'form-error', role: 'alert' }, `Das Formular ${name} kann nicht geöffnet werden: ${(err as Error).message}`));
      formEditing = null;
    }
    renderFormList();
  }

  function showTab(tab: 'diagramm' | 'formulare'): void {
    diagramTab.classList.toggle('active', tab === 'diagramm');
    formsTab.classList.toggle('active', tab === 'formulare');
    diagramPane.hidden = tab !== 'diagramm';
    formsPane.hidden = tab !== 'formulare';
    if (tab === 'formulare') {
      renderFormList();
      if (!openForm) {
        const first = [...formUsages(modeler.getDefinitions()).keys()].sort((a, b) => a.localeCompare(b, 'de')).find((n) => forms.has(n));
        if (first) void showForm(first);
      }
    }
  }
  diagramTab.addEventListener('click', () => showTab('diagramm'));
  formsTab.addEventListener('click', () => showTab('formulare'));
  renderFormList();
  m.on('elements.changed', () => renderFormList());

  // --- toolbar
  fitButton.addEventListener('click', () => canvas.zoom('fit-viewport', 'auto'));
  downloadButton.addEventListener('click', async () => {
    const { xml } = await modeler.saveXML({ format: true });
    const a = h('a', { href: URL.createObjectURL(new Blob([xml ?? ''], { type: 'application/xml' })), download: definition?.resource ?? `${mainProcess()?.id ?? 'diagramm'}.bpmn` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });

  // --- deploy
  deployButton.addEventListener('click', async () => {
    clearMarks();
    result.hidden = true;
    const proc = mainProcess();
    if (!proc) return showRefusal('Die Bereitstellung ist so nicht möglich.', 'Das Diagramm enthält keinen Prozess.', []);
    // The forms the diagram names must travel with it; a missing one is named at its tasks.
    const usages = formUsages(modeler.getDefinitions());
    const missing: Finding[] = [];
    for (const [name, users] of usages) {
      if (!forms.has(name)) for (const u of users) missing.push({ rule: 'kim/form-missing', elementId: u.id, message: `Das Formular „${name}“ fehlt: unter „Formulare“ anlegen oder den Formularschlüssel ändern.` });
    }
    if (missing.length) return showRefusal('Die Bereitstellung ist so nicht möglich.', null, missing);

    deployButton.disabled = true;
    deployButton.textContent = 'Wird bereitgestellt …';
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const resource = definition?.resource && definition.key === proc.id ? definition.resource : `${proc.id}.bpmn`;
      const files: DeployFile[] = [{ name: resource, content: xml ?? '', type: 'application/xml' }];
      for (const name of [...usages.keys()].sort()) files.push({ name, content: forms.get(name)!.current, type: 'application/json' });
      const outcome = await deploy(app.session, { name: proc.id, files });
      if (!alive()) return;
      if (!outcome.ok) {
        if (outcome.status === 401) {
          showRefusal('Die Bereitstellung wurde abgelehnt.', deployErrorText(401, outcome.message), []);
          return;
        }
        showRefusal('Die Bereitstellung wurde abgelehnt.', outcome.problems.length ? null : deployErrorText(outcome.status, outcome.message), outcome.problems);
        app.flash('Die Bereitstellung wurde abgelehnt: siehe die markierten Elemente.', 'error');
        return;
      }
      for (const file of forms.values()) file.deployed = file.current;
      setDirty(false);
      renderFormList();
      const deployed = outcome.definitions.find((d) => d.key === proc.id) ?? outcome.definitions[0];
      const warnings = outcome.warnings.filter((w) => !w.resource || w.resource === resource);
      const warningList = warnings.length
        ? [h('p', { class: 'hint' }, `${warnings.length} ${warnings.length === 1 ? 'Hinweis' : 'Hinweise'} der Prüfregeln (verhindern die Bereitstellung nicht):`), h('ul', { class: 'finding-list', id: 'deploy-warnings' }, warnings.map((w) => findingItem(w, 'warning')))]
        : [];
      if (!outcome.created || !deployed) {
        replace(result, h('div', { class: 'deploy-ok', role: 'status', id: 'deploy-result' }, h('strong', null, 'Keine Änderungen: '), 'Diagramm und Formulare gleichen der zuletzt hier bereitgestellten Fassung; es wurde keine neue Version angelegt.'));
        result.hidden = false;
        return;
      }
      definition = { id: deployed.id, key: deployed.key, name: deployed.name, version: deployed.version, deploymentId: deployed.deploymentId ?? outcome.deploymentId, resource };
      history.replaceState(null, '', `/modeler/${enc(definition.id)}`);
      await renderHead();
      replace(
        result,
        h('div', { class: 'deploy-ok', role: 'status', id: 'deploy-result' }, h('strong', null, `Version ${deployed.version}`), ` von „${processName(deployed)}“ ist bereitgestellt. Neue Vorgänge starten mit dieser Version.`),
        ...warningList,
      );
      result.hidden = false;
      app.flash(`Version ${deployed.version} von „${processName(deployed)}“ ist bereitgestellt.`);
    } finally {
      deployButton.disabled = false;
      deployButton.textContent = 'Als neue Version bereitstellen';
    }
  });

  return () => {
    window.removeEventListener('beforeunload', beforeUnload);
    root.classList.remove('view-wide');
    if ((window as any).kimModeler === modeler) delete (window as any).kimModeler;
    formEditing?.destroy();
    modeler.destroy();
  };
}
