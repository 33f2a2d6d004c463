import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';

/** The Ersterfassung form (form-js schema, as the Camunda Modeler writes it). */
const ERSTERFASSUNG = {
  type: 'default',
  id: 'ersterfassung',
  executionPlatform: 'Camunda Platform',
  executionPlatformVersion: '7.21.0',
  schemaVersion: 16,
  components: [
    {
      type: 'group',
      label: 'Haushaltsvorstand',
      id: 'Group_head',
      components: [
        { type: 'textfield', id: 'F1', key: 'givenName', label: 'Vorname', validate: { required: true, minLength: 2, maxLength: 100 } },
        { type: 'textfield', id: 'F2', key: 'familyName', label: 'Familienname', validate: { required: true } },
        { type: 'datetime', id: 'F3', key: 'dateOfBirth', subtype: 'date', dateLabel: 'Geburtsdatum', validate: { required: true } },
        { type: 'textfield', id: 'F4', key: 'nationality', label: 'Staatsangehörigkeit' },
      ],
    },
    {
      type: 'select',
      id: 'F5',
      key: 'arrivalChannel',
      label: 'Zugangsweg',
      values: [
        { label: 'Zuweisung', value: 'ZUWEISUNG' },
        { label: 'Ukraine (§ 24)', value: 'UKRAINE_24' },
        { label: 'Sekundärzuzug', value: 'SEKUNDAER' },
        { label: 'EU', value: 'EU' },
        { label: 'Familiennachzug', value: 'FAMILIENNACHZUG' },
      ],
      validate: { required: true },
    },
    { type: 'checkbox', id: 'F6', key: 'interpreterNeeded', label: 'Dolmetscher benötigt' },
    { type: 'number', id: 'F7', key: 'householdSize', label: 'Haushaltsgröße', validate: { required: true, min: 1, max: 20 } },
    {
      type: 'taglist',
      id: 'F8',
      key: 'languages',
      label: 'Sprachen',
      values: [
        { label: 'Deutsch', value: 'de' },
        { label: 'Ukrainisch', value: 'uk' },
        { label: 'Arabisch', value: 'ar' },
      ],
    },
    {
      type: 'dynamiclist',
      id: 'L1',
      path: 'persons',
      label: 'Personen',
      isRepeating: true,
      components: [
        { type: 'textfield', id: 'P1', key: 'givenName', label: 'Vorname', validate: { required: true } },
        { type: 'datetime', id: 'P2', key: 'dateOfBirth', subtype: 'date', dateLabel: 'Geburtsdatum', validate: { required: true } },
      ],
    },
    { type: 'button', id: 'B1', key: 'submit', label: 'Speichern', action: 'submit' },
  ],
};
const FORM_TEXT = JSON.stringify(ERSTERFASSUNG, null, 2);

const ankunft = bpmn(
  'ankunft',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ersterfassung"/>
   <bpmn:userTask id="ersterfassung" name="Ersterfassung" camunda:formKey="camunda-forms:deployment:ersterfassung.form" camunda:candidateGroups="cm-ki"/>
   <bpmn:sequenceFlow id="f2" sourceRef="ersterfassung" targetRef="pruefen"/>
   <bpmn:userTask id="pruefen" name="Prüfen" camunda:formKey="camunda-forms:deployment:fehlt.form"/>
   <bpmn:sequenceFlow id="f3" sourceRef="pruefen" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

/** No form key at all, and a form kept in an external app: no validation. */
const frei = bpmn(
  'frei',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notiz"/>
   <bpmn:userTask id="notiz" name="Notiz"/>
   <bpmn:sequenceFlow id="f2" sourceRef="notiz" targetRef="extern"/>
   <bpmn:userTask id="extern" name="Extern" camunda:formKey="camunda-forms:app:forms/extern.form"/>
   <bpmn:sequenceFlow id="f3" sourceRef="extern" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

const s = (value: string) => ({ value, type: 'String' });

function validVariables() {
  return {
    givenName: s('Olena'),
    familyName: s('Kovalenko'),
    dateOfBirth: s('1988-04-12'),
    nationality: s('UKR'),
    arrivalChannel: s('UKRAINE_24'),
    interpreterNeeded: { value: true, type: 'Boolean' },
    householdSize: { value: 2, type: 'Integer' },
    languages: { value: JSON.stringify(['uk']), type: 'Json' },
    persons: { value: JSON.stringify([{ givenName: 'Olena', dateOfBirth: '1988-04-12' }, { givenName: 'Taras', dateOfBirth: '2015-09-01' }]), type: 'Json' },
  };
}

describe('api: task forms (form-js) validate completions', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService();
    const dep = await deploy(t.api, { 'ankunft.bpmn': ankunft, 'ersterfassung.form': FORM_TEXT, 'frei.bpmn': frei });
    expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
  });
  after(async () => {
    await t.close();
  });

  async function start(key: string, businessKey: string, variables: Record<string, unknown> = {}) {
    const res = await t.api('POST', `/engine-rest/process-definition/key/${key}/start`, { businessKey, variables });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.id as string;
  }
  async function taskOf(instanceId: string, key: string) {
    const r = await t.api('GET', `/engine-rest/task?processInstanceId=${instanceId}&taskDefinitionKey=${key}`);
    expect(r.body, key).to.have.length(1);
    return r.body[0] as { id: string; formKey: string };
  }
  async function history(instanceId: string) {
    const r = await t.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${instanceId}`);
    expect(r.status).to.equal(200);
    return (r.body as Array<{ name: string; value: unknown }>).map((v) => v.name).sort();
  }

  it('a missing required field: 400 naming the field; the task stays and nothing is written', async () => {
    const id = await start('ankunft', 'HH-F1');
    const task = await taskOf(id, 'ersterfassung');
    expect(task.formKey).to.equal('camunda-forms:deployment:ersterfassung.form');
    const { givenName: _omitted, ...rest } = validVariables();
    const res = await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: rest });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.type).to.equal('InvalidRequestException');
    expect(res.body.message).to.equal("Field 'givenName' (Vorname) is required");
    expect(res.body.field).to.equal('givenName');
    expect(res.body.problems).to.deep.equal([{ field: 'givenName', label: 'Vorname', message: "Field 'givenName' (Vorname) is required" }]);

    expect((await t.api('GET', `/engine-rest/task/${task.id}`)).status).to.equal(200);
    expect(await history(id)).to.deep.equal([]);
    expect((await t.api('GET', `/engine-rest/process-instance/${id}/variables`)).body).to.deep.equal({});
  });

  it('a select value that is not offered: 400 naming the field and the allowed values (submit-form too)', async () => {
    const id = await start('ankunft', 'HH-F2');
    const task = await taskOf(id, 'ersterfassung');
    const res = await t.api('POST', `/engine-rest/task/${task.id}/submit-form`, { variables: { ...validVariables(), arrivalChannel: s('ASYL') } });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.field).to.equal('arrivalChannel');
    expect(res.body.message).to.contain("Field 'arrivalChannel' (Zugangsweg) must be one of ZUWEISUNG, UKRAINE_24, SEKUNDAER, EU, FAMILIENNACHZUG");
    expect(await history(id)).to.deep.equal([]);
    expect((await taskOf(id, 'ersterfassung')).id).to.equal(task.id);
  });

  it('several problems (wrong type, out of range, a list item) are all listed', async () => {
    const id = await start('ankunft', 'HH-F3');
    const task = await taskOf(id, 'ersterfassung');
    const res = await t.api('POST', `/engine-rest/task/${task.id}/complete`, {
      variables: {
        ...validVariables(),
        householdSize: { value: 25, type: 'Integer' },
        interpreterNeeded: s('ja'),
        persons: { value: JSON.stringify([{ givenName: 'Olena' }]), type: 'Json' },
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.field).to.equal('interpreterNeeded');
    expect(res.body.problems.map((p: { field: string }) => p.field)).to.deep.equal(['interpreterNeeded', 'householdSize', 'persons[0].dateOfBirth']);
    expect(await history(id)).to.deep.equal([]);
  });

  it('a valid submission completes (204) and writes the variables', async () => {
    const id = await start('ankunft', 'HH-F4');
    const task = await taskOf(id, 'ersterfassung');
    const res = await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: { ...validVariables(), bemerkung: s('kein Formularfeld') } });
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect((await t.api('GET', `/engine-rest/task/${task.id}`)).status).to.equal(404);
    expect(await history(id)).to.include.members(['givenName', 'arrivalChannel', 'persons', 'bemerkung']);
    const vars = (await t.api('GET', `/engine-rest/process-instance/${id}/variables`)).body;
    expect(vars.arrivalChannel.value).to.equal('UKRAINE_24');
    expect(vars.persons.value).to.deep.equal([{ givenName: 'Olena', dateOfBirth: '1988-04-12' }, { givenName: 'Taras', dateOfBirth: '2015-09-01' }]);
  });

  it('required values the instance already has need not be submitted again', async () => {
    const { persons: _p, languages: _l, ...startVars } = validVariables();
    const id = await start('ankunft', 'HH-F5', startVars);
    const task = await taskOf(id, 'ersterfassung');
    const res = await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: { householdSize: { value: 3, type: 'Integer' } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
  });

  it('GET /task/{id}/deployed-form returns the form JSON as deployed', async () => {
    const id = await start('ankunft', 'HH-F6');
    const task = await taskOf(id, 'ersterfassung');
    const res = await t.api('GET', `/engine-rest/task/${task.id}/deployed-form`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(res.body).to.deep.equal(ERSTERFASSUNG);
  });

  it('a form key naming a form that is not deployed: 409 on completion, 404 for deployed-form', async () => {
    const id = await start('ankunft', 'HH-F7');
    const first = await taskOf(id, 'ersterfassung');
    expect((await t.api('POST', `/engine-rest/task/${first.id}/complete`, { variables: validVariables() })).status).to.equal(204);
    const task = await taskOf(id, 'pruefen');
    const res = await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: { ok: { value: true, type: 'Boolean' } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.message).to.equal('Form fehlt.form referenced by task pruefen is not deployed');
    expect((await taskOf(id, 'pruefen')).id).to.equal(task.id);
    expect(await history(id)).not.to.include('ok');
    const form = await t.api('GET', `/engine-rest/task/${task.id}/deployed-form`);
    expect(form.status).to.equal(404);
  });

  it('tasks without a deployed form complete unchecked; deployed-form answers 404', async () => {
    const id = await start('frei', 'FREI-1');
    const notiz = await taskOf(id, 'notiz');
    expect((await t.api('GET', `/engine-rest/task/${notiz.id}/deployed-form`)).status).to.equal(404);
    expect((await t.api('POST', `/engine-rest/task/${notiz.id}/complete`, { variables: { x: s('') } })).status).to.equal(204);
    const extern = await taskOf(id, 'extern');
    expect((await t.api('GET', `/engine-rest/task/${extern.id}/deployed-form`)).status).to.equal(404);
    expect((await t.api('POST', `/engine-rest/task/${extern.id}/complete`)).status).to.equal(204);
    expect((await t.api('GET', `/engine-rest/task/does-not-exist/deployed-form`)).status).to.equal(404);
  });

  it('a later deployment of only the diagram (deploy-changed-only) still finds the unchanged form', async () => {
    const fields = { 'deployment-source': 'forms-test', 'deploy-changed-only': 'true' };
    const v1 = await deploy(t.api, { 'ankunft2.bpmn': ankunft.replace(/id="ankunft"/, 'id="ankunft2"'), 'ersterfassung.form': FORM_TEXT }, fields);
    expect(v1.status, JSON.stringify(v1.body)).to.equal(200);
    t.clock.advance(60_000);
    const changed = ankunft.replace(/id="ankunft"/, 'id="ankunft2"').replace('name="Ersterfassung"', 'name="Ersterfassung (neu)"');
    const v2 = await deploy(t.api, { 'ankunft2.bpmn': changed, 'ersterfassung.form': FORM_TEXT }, fields);
    expect(v2.status, JSON.stringify(v2.body)).to.equal(200);
    const stored = await t.api('GET', `/engine-rest/deployment/${v2.body.id}/resources`);
    expect(stored.body.map((r: { name: string }) => r.name)).to.deep.equal(['ankunft2.bpmn']);
    const id = await start('ankunft2', 'HH-F8');
    const task = await taskOf(id, 'ersterfassung');
    expect((await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: { ...validVariables(), arrivalChannel: s('X') } })).status).to.equal(400);
    expect((await t.api('GET', `/engine-rest/task/${task.id}/deployed-form`)).body).to.deep.equal(ERSTERFASSUNG);
  });
});
