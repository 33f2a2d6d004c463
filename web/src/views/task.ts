/**
 * One task: what it is (process, case, due date, escalation level), its form (form-js, from the
 * deployed form, prefilled with the task's variables) and the instance's diagram (bpmn-js) with
 * the task highlighted. Claim, unclaim, complete; the server's validation errors appear at their
 * fields.
 */
import { ApiError, describeError, get, post, type Problem } from '../api.ts';
import { h, replace } from '../dom.ts';
import { serverProblemText } from '../messages.ts';
import { toPlain, toTyped, type TypedVariables } from '../variables.ts';
import type { View } from '../main.ts';
import { dueCell, escalationBadge, escalationLevel, priorityText, type Task } from './tasklist.ts';

export const taskView: View = async (app, root, params, alive) => {
  const id = params.id!;
  let task: Task;
  try {
    task = await get<Task>(`/engine-rest/task/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      document.title = 'Aufgabe nicht gefunden – KIM Herne';
      replace(
        root,
        h('section', { class: 'panel' }, h('h1', null, 'Aufgabe nicht gefunden'), h('p', null, 'Die Aufgabe ist erledigt oder nicht für Sie sichtbar.'), h('p', null, h('a', { href: '/', 'data-link': true }, 'Zurück zu den Aufgaben'))),
      );
      return;
    }
    throw err;
  }
  if (!alive()) return;
  const me = app.session.id;
  const mine = task.assignee === me;
  const title = task.name ?? task.taskDefinitionKey;
  document.title = `${title} – KIM Herne`;
  const base = `/engine-rest/task/${encodeURIComponent(task.id)}`;

  const [defs, formSchema, variables, xml, level] = await Promise.all([
    app.definitions(),
    get<Record<string, unknown>>(`${base}/deployed-form`).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
    get<TypedVariables>(`${base}/form-variables`).catch(() => ({}) as TypedVariables),
    get<{ bpmn20Xml: string }>(`/engine-rest/process-definition/${encodeURIComponent(task.processDefinitionId)}/xml`).then((r) => r.bpmn20Xml).catch(() => null),
    escalationLevel(task.processInstanceId),
  ]);
  if (!alive()) return;

  const banner = h('div', { class: 'form-error', role: 'alert', id: 'task-error', hidden: true });
  const showBanner = (text: string, problems?: Problem[]) => {
    replace(banner, h('strong', null, text), problems?.length ? h('ul', null, problems.map((p) => h('li', null, `${p.label ?? p.field}: ${serverProblemText(p)}`))) : null);
    banner.hidden = false;
  };
  const hideBanner = () => {
    banner.hidden = true;
    replace(banner);
  };

  const reload = () => app.navigate(location.pathname, { replace: true });
  const act = async (button: HTMLButtonElement, what: 'claim' | 'unclaim', done: string) => {
    button.disabled = true;
    try {
      await post(`${base}/${what}`, {});
      app.flash(done);
      reload();
    } catch (err) {
      button.disabled = false;
      app.flash(describeError(err), 'error');
    }
  };

  const actions = h('div', { class: 'actions' });
  if (!task.assignee) {
    const b = h('button', { type: 'button', class: 'button-primary', id: 'claim' }, 'Übernehmen');
    b.addEventListener('click', () => void act(b, 'claim', 'Sie bearbeiten die Aufgabe jetzt.'));
    actions.append(b);
  } else if (mine) {
    const b = h('button', { type: 'button', class: 'button-quiet', id: 'unclaim' }, 'Zurückgeben');
    b.addEventListener('click', () => void act(b, 'unclaim', 'Die Aufgabe ist zurück in den Gruppenaufgaben.'));
    actions.append(b);
  }

  const prio = priorityText(task.priority);
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Prozess'),
    h('dd', null, app.processName(task.processDefinitionKey, defs)),
    h('dt', null, 'Vorgang'),
    h('dd', { id: 'task-business-key' }, task.businessKey ?? '–'),
    h('dt', null, 'Fällig'),
    h('dd', null, dueCell(app, task.due)),
    h('dt', null, 'Bearbeitung'),
    h('dd', { id: 'task-assignee' }, task.assignee ? (mine ? 'Sie' : task.assignee) : `offen für ${[...task.candidateGroups, ...task.candidateUsers].join(', ') || '–'}`),
    level ? [h('dt', null, 'Eskalation'), h('dd', null, escalationBadge(level))] : null,
    prio ? [h('dt', null, 'Priorität'), h('dd', null, prio)] : null,
  );

  const formHost = h('div', { class: 'form-host', id: 'task-form' });
  const completeButton = h('button', { type: 'button', class: 'button-primary', id: 'complete', disabled: !mine }, 'Abschließen');
  const formPanel = h(
    'section',
    { class: 'panel form-panel' },
    h('h2', null, 'Formular'),
    mine ? null : h('p', { class: 'hint', id: 'readonly-hint' }, task.assignee ? `Die Aufgabe bearbeitet ${task.assignee}.` : 'Übernehmen Sie die Aufgabe, um das Formular auszufüllen.'),
    formHost,
    banner,
    h('div', { class: 'form-actions' }, completeButton),
  );
  const diagramHost = h('div', { class: 'diagram-host', id: 'task-diagram' });
  const diagramPanel = h('section', { class: 'panel diagram-panel' }, h('h2', null, 'Prozess'), diagramHost);

  replace(
    root,
    h(
      'div',
      { class: 'task-page' },
      h('p', { class: 'back' }, h('a', { href: '/', 'data-link': true }, '← Zu den Aufgaben')),
      h('section', { class: 'panel task-head' }, h('div', { class: 'task-title' }, h('h1', { id: 'task-name' }, title), actions), facts),
      h('div', { class: 'task-columns' }, formPanel, diagramPanel),
    ),
  );

  const disposers: Array<() => void> = [];

  // The diagram: loaded on demand (bpmn-js is the larger part of the app).
  if (xml) {
    void import('../diagram.ts')
      .then(async ({ showDiagram }) => {
        if (!alive()) return;
        disposers.push(await showDiagram(diagramHost, xml, [task.taskDefinitionKey]));
      })
      .catch((err) => {
        console.error(err);
        replace(diagramHost, h('p', { class: 'hint' }, 'Das Diagramm kann nicht angezeigt werden.'));
      });
  } else replace(diagramHost, h('p', { class: 'hint' }, 'Kein Diagramm verfügbar.'));

  // The form: form-js with the deployed form, or none.
  let form: import('../taskForm.ts').TaskForm | null = null;
  if (formSchema) {
    try {
      const { showForm } = await import('../taskForm.ts');
      if (!alive()) return;
      form = await showForm(formHost, formSchema, toPlain(variables), { readOnly: !mine });
      disposers.push(() => form?.destroy());
    } catch (err) {
      console.error(err);
      replace(formHost, h('p', { class: 'form-error', role: 'alert' }, 'Das Formular kann nicht angezeigt werden.'));
    }
  } else {
    replace(formHost, h('p', { class: 'hint', id: 'no-form' }, 'Für diese Aufgabe ist kein Formular hinterlegt. Sie kann direkt abgeschlossen werden.'));
  }

  completeButton.addEventListener('click', async () => {
    hideBanner();
    completeButton.disabled = true;
    completeButton.textContent = 'Wird abgeschlossen …';
    try {
      // The service checks the form (the same rules as form-js) and is the one that decides.
      const data = form ? form.data() : {};
      await post(`${base}/submit-form`, { variables: toTyped(data, variables) });
      app.flash(`„${title}“ ist abgeschlossen.`);
      app.navigate('/', { replace: true });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && (err.field || err.problems?.length)) {
        const problems = err.problems?.length ? err.problems : [{ field: err.field!, message: err.message }];
        const unplaced = form ? form.showProblems(problems) : problems;
        showBanner(
          problems.length === 1 ? 'Bitte das markierte Feld prüfen.' : `Bitte die ${problems.length} markierten Felder prüfen.`,
          unplaced.length ? unplaced : undefined,
        );
      } else showBanner(err instanceof ApiError && err.status === 400 ? `Die Eingaben wurden nicht angenommen: ${err.message}` : describeError(err));
    }
    completeButton.disabled = !mine;
    completeButton.textContent = 'Abschließen';
  });

  return () => disposers.forEach((d) => d());
};
