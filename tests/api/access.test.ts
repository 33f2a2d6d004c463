/**
 * Access by organisation (issue 5, KIM-PROCESSES.md §6): a case belongs to the organisation of the
 * case manager who took it on; other organisations' case managers get 404 (audited ACCESS_DENIED) even
 * with a matching candidate group; the coordination sees pseudonymised variables; the ABH sees a case
 * only while a consent covers it, and then only the minimal data set.
 */
import { expect } from 'chai';
import { bpmn, deploy, startTestService, type Api, type TestService } from '../helpers/service.ts';
import { vars } from '../helpers/kim.ts';

const CASE = bpmn('kim-case-lifecycle', `
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="erstkontakt" name="Erstkontakt" camunda:candidateGroups="cm-ki,cm-traeger"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="fork"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="assessment" name="Assessment" camunda:candidateGroups="cm-ki,cm-traeger"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:callActivity id="handoff" name="Überleitung" calledElement="kind-prozess"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:extensionElements><camunda:in businessKey="=execution.processBusinessKey" /><camunda:in source="familyName" target="familyName" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="end1"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end2"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="erstkontakt" />
    <bpmn:sequenceFlow id="f2" sourceRef="erstkontakt" targetRef="fork" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="assessment" />
    <bpmn:sequenceFlow id="f4" sourceRef="fork" targetRef="handoff" />
    <bpmn:sequenceFlow id="f5" sourceRef="assessment" targetRef="end1" />
    <bpmn:sequenceFlow id="f6" sourceRef="handoff" targetRef="end2" />`);
const CHILD = bpmn('kind-prozess', `
    <bpmn:startEvent id="s"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="abhPruefung" name="Prüfung ABH" camunda:candidateGroups="abh"><bpmn:incoming>g1</bpmn:incoming><bpmn:outgoing>g2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>g2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="g1" sourceRef="s" targetRef="abhPruefung" />
    <bpmn:sequenceFlow id="g2" sourceRef="abhPruefung" targetRef="e" />`);

describe('api: access by organisation', () => {
  let t: TestService;
  let as: (user: string) => Api;
  before(async () => {
    t = await startTestService({ env: { DEMO_USERS: 'true' } });
    const passwords = new Map(t.service.createdUsers.map((u) => [u.id, u.password]));
    as = (user) => t.api.as(user, passwords.get(user)!);
    expect((await deploy(t.api, { 'case.bpmn': CASE, 'child.bpmn': CHILD })).status).to.equal(200);
  });
  after(() => t.close());

  const startCase = async (caseId: string) => {
    const r = await as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/kim-case-lifecycle/start', {
      businessKey: caseId,
      variables: vars({ caseId, givenName: 'Samir', familyName: 'Nouri', dateOfBirth: '2001-02-03', bemerkung: 'Gesundheitsdaten', escalationLevel: 1 }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.id as string;
  };
  const taskOf = async (api: Api, instanceId: string, key: string) =>
    ((await api('GET', `/engine-rest/task?processInstanceId=${instanceId}`)).body as Array<{ id: string; taskDefinitionKey: string }>).find((x) => x.taskDefinitionKey === key);
  const denials = async (userId: string, caseId: string) =>
    ((await t.api('GET', `/api/audit?type=ACCESS_DENIED&userId=${userId}&caseId=${caseId}`)).body.items as Array<Record<string, any>>);

  it('an unowned case is open to every case manager; the first Träger case manager who claims takes it on for their organisation', async () => {
    const id = await startCase('FALL-A1');
    const task = await taskOf(as('demo-cm-traeger-drk'), id, 'erstkontakt');
    expect(task, 'unowned case visible to DRK').to.exist;
    expect((await as('demo-cm-traeger-awo')('POST', `/engine-rest/task/${task!.id}/claim`, {})).status).to.equal(204);
    const vs = (await t.api('GET', `/engine-rest/process-instance/${id}/variables`)).body;
    expect(vs.organisation).to.deep.include({ value: 'org-awo', type: 'String' });
  });

  it('another organisation\'s case manager gets 404 for its tasks, variables and history, audited ACCESS_DENIED; a candidate-group match is not enough', async () => {
    const id = await startCase('FALL-A2');
    const erstkontakt = (await taskOf(t.api, id, 'erstkontakt'))!;
    const awo = as('demo-cm-traeger-awo');
    expect((await awo('POST', `/engine-rest/task/${erstkontakt.id}/claim`, {})).status).to.equal(204);
    expect((await awo('POST', `/engine-rest/task/${erstkontakt.id}/complete`, { variables: {} })).status).to.equal(204);
    const assessment = (await taskOf(t.api, id, 'assessment'))!;

    for (const user of ['demo-cm-traeger-drk', 'demo-cm-ki']) {
      const api = as(user);
      expect(await taskOf(api, id, 'assessment'), `${user} list`).to.equal(undefined);
      expect((await api('GET', `/engine-rest/task?processInstanceBusinessKey=FALL-A2`)).body).to.deep.equal([]);
      expect((await api('GET', '/engine-rest/task/count?processInstanceBusinessKey=FALL-A2')).body.count).to.equal(0);
      for (const [method, url] of [
        ['GET', `/engine-rest/task/${assessment.id}`],
        ['GET', `/engine-rest/task/${assessment.id}/variables`],
        ['POST', `/engine-rest/task/${assessment.id}/claim`],
        ['POST', `/engine-rest/task/${assessment.id}/complete`],
        ['GET', `/engine-rest/process-instance/${id}`],
        ['GET', `/engine-rest/process-instance/${id}/variables`],
        ['GET', `/engine-rest/history/process-instance/${id}`],
        ['GET', `/engine-rest/history/variable-instance?processInstanceId=${id}`],
        ['GET', `/engine-rest/history/activity-instance?processInstanceId=${id}`],
      ] as const) {
        const r = await api(method, url, method === 'POST' ? {} : undefined);
        expect(r.status, `${user} ${method} ${url}`).to.equal(404);
        expect(JSON.stringify(r.body)).to.not.contain('Nouri');
      }
      expect((await api('GET', '/engine-rest/process-instance?businessKey=FALL-A2')).body).to.deep.equal([]);
      expect((await api('GET', '/engine-rest/history/task?processInstanceBusinessKey=FALL-A2')).body).to.deep.equal([]);
      const denied = await denials(user, 'FALL-A2');
      expect(denied.length, `${user} ACCESS_DENIED entries`).to.equal(9);
      expect(denied[0]).to.include({ type: 'ACCESS_DENIED', caseId: 'FALL-A2', purpose: 'ACCESS' });
      expect(denied[0].details).to.include({ owner: 'org-awo' });
    }
    expect((await denials('demo-cm-ki', 'FALL-A2'))[0].organisation).to.equal('org-ki');

    // Consents of the case are the owner's business too.
    const drk = as('demo-cm-traeger-drk');
    expect((await drk('GET', '/api/consents?caseId=FALL-A2')).status).to.equal(404);
    const foreign = await drk('POST', '/api/consents', { caseId: 'FALL-A2', personRef: 'P-1', recipient: 'abh', purposes: ['X'], dataCategories: ['STAMMDATEN'], scope: ['UEBERLEITUNG'] });
    expect(foreign.status).to.equal(404);
    expect((await awo('GET', '/api/consents?caseId=FALL-A2')).status).to.equal(200);
    expect((await denials('demo-cm-traeger-drk', 'FALL-A2')).length).to.equal(11);

    // The owner works on, and its reads are audited.
    const own = await awo('GET', `/engine-rest/task/${assessment.id}/variables`);
    expect(own.status).to.equal(200);
    expect(own.body.familyName.value).to.equal('Nouri');
    const reads = (await t.api('GET', '/api/audit?type=READ&userId=demo-cm-traeger-awo&caseId=FALL-A2')).body.items;
    expect(reads.map((r: { details: { resource: string } }) => r.details.resource)).to.include('task-variables');
  });

  it('the coordination sees the case in lists, pseudonymised: no names, no notes', async () => {
    const id = await startCase('FALL-A3');
    const erstkontakt = (await taskOf(t.api, id, 'erstkontakt'))!;
    await as('demo-cm-traeger-drk')('POST', `/engine-rest/task/${erstkontakt.id}/claim`, {});
    for (const user of ['demo-cm-koordination', 'demo-kim-koordination']) {
      const api = as(user);
      expect(await taskOf(api, id, 'erstkontakt'), `${user} list`).to.exist;
      const r = await api('GET', `/engine-rest/process-instance/${id}/variables`);
      expect(r.status).to.equal(200);
      expect(Object.keys(r.body).sort()).to.deep.equal(['caseId', 'escalationLevel', 'organisation']);
      const history = (await api('GET', `/engine-rest/history/variable-instance?processInstanceId=${id}`)).body as Array<{ name: string }>;
      expect(history.map((v) => v.name).sort()).to.deep.equal(['caseId', 'escalationLevel', 'organisation']);
      expect((await api('POST', `/engine-rest/process-instance/${id}/variables`, { modifications: { x: { value: 1, type: 'Integer' } } })).status).to.equal(403);
    }
  });

  it('a called instance belongs to the case too; the ABH sees it only while a consent covers the case, and then only the minimal data set', async () => {
    const id = await startCase('FALL-A4');
    const erstkontakt = (await taskOf(t.api, id, 'erstkontakt'))!;
    const awo = as('demo-cm-traeger-awo');
    await awo('POST', `/engine-rest/task/${erstkontakt.id}/claim`, {});
    expect((await awo('POST', `/engine-rest/task/${erstkontakt.id}/complete`, { variables: {} })).status).to.equal(204);
    const child = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${id}`)).body[0];
    expect(child, 'child instance').to.exist;
    const abhTask = (await taskOf(t.api, child.id, 'abhPruefung'))!;

    expect((await as('demo-cm-traeger-drk')('GET', `/engine-rest/task/${abhTask.id}`)).status).to.equal(404);
    const abh = as('demo-abh');
    expect((await abh('GET', `/engine-rest/task/${abhTask.id}/variables`)).status, 'no consent yet').to.equal(404);
    expect((await denials('demo-abh', 'FALL-A4')).length).to.equal(1);

    const consent = await awo('POST', '/api/consents', {
      caseId: 'FALL-A4', personRef: 'P-1', recipient: 'abh', purposes: ['AUFENTHALTSSICHERUNG'], dataCategories: ['STAMMDATEN'], scope: ['UEBERLEITUNG'],
    });
    expect(consent.status, JSON.stringify(consent.body)).to.equal(201);
    const seen = await abh('GET', `/engine-rest/task/${abhTask.id}/variables`);
    expect(seen.status).to.equal(200);
    expect(Object.keys(seen.body)).to.deep.equal(['familyName']);
    const parentVars = await abh('GET', `/engine-rest/process-instance/${id}/variables`);
    expect(parentVars.status).to.equal(200);
    expect(Object.keys(parentVars.body).sort()).to.deep.equal(['dateOfBirth', 'escalationLevel', 'familyName', 'givenName']);

    expect((await awo('POST', `/api/consents/${consent.body.id}/withdraw`, {})).status).to.equal(200);
    expect((await abh('GET', `/engine-rest/task/${abhTask.id}/variables`)).status, 'after withdrawal').to.equal(404);
  });
  it('nobody hands a case to, or takes it from, another organisation by writing the variable organisation', async () => {
    const id = await startCase('FALL-A5');
    const erstkontakt = (await taskOf(t.api, id, 'erstkontakt'))!;
    const awo = as('demo-cm-traeger-awo');
    const typed = (value: string) => ({ value, type: 'String' });
    // Claiming and completing with someone else's organisation is refused; nothing changes.
    const r = await awo('POST', `/engine-rest/task/${erstkontakt.id}/complete`, { variables: { organisation: typed('org-drk') } });
    expect(r.status).to.equal(403);
    expect(r.body.message).to.contain("'organisation'");
    expect((await t.api('GET', `/engine-rest/process-instance/${id}/variables`)).body.organisation).to.equal(undefined);
    expect((await awo('POST', `/engine-rest/task/${erstkontakt.id}/claim`, {})).status).to.equal(204);
    expect((await awo('PUT', `/engine-rest/process-instance/${id}/variables/organisation`, typed('org-drk'))).status).to.equal(403);
    expect((await awo('POST', `/engine-rest/process-instance/${id}/variables`, { deletions: ['organisation'] })).status).to.equal(403);
    expect((await as('demo-cm-traeger-drk')('POST', '/engine-rest/process-definition/key/kim-case-lifecycle/start', {
      businessKey: 'FALL-A5b', variables: { organisation: typed('org-awo') },
    })).status, 'starting a case for another organisation').to.equal(403);
    expect((await as('demo-cm-traeger-drk')('POST', '/engine-rest/message', {
      messageName: 'nichts', businessKey: 'FALL-A5', processVariables: { organisation: typed('org-awo') },
    })).status).to.equal(403);
    // The coordination reassigns a case (level 1: Neuzuweisung).
    expect((await as('demo-cm-koordination')('PUT', `/engine-rest/process-instance/${id}/variables/organisation`, typed('org-drk'))).status).to.equal(403, 'pseudonymised view may not write');
    expect((await t.api('PUT', `/engine-rest/process-instance/${id}/variables/organisation`, typed('org-drk'))).status).to.equal(204);
    expect((await as('demo-cm-traeger-drk')('GET', `/engine-rest/process-instance/${id}/variables`)).status).to.equal(200);
    expect((await awo('GET', `/engine-rest/process-instance/${id}/variables`)).status).to.equal(404);
  });
  it("a message by business key does not reach another organisation's case (no match, 400), but the owner's does", async () => {
    const XML = bpmn('warte-fall', `
      <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="warten"/>
      <bpmn:intermediateCatchEvent id="warten"><bpmn:messageEventDefinition messageRef="M"/></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="warten" targetRef="danach"/><bpmn:userTask id="danach"/>`, '<bpmn:message id="M" name="abmeldung" />');
    expect((await deploy(t.api, { 'w.bpmn': XML })).status).to.equal(200);
    const r = await t.api('POST', '/engine-rest/process-definition/key/warte-fall/start', {
      businessKey: 'FALL-A6', variables: { organisation: { value: 'org-awo', type: 'String' } },
    });
    expect(r.status).to.equal(200);
    expect((await as('demo-cm-traeger-drk')('POST', '/engine-rest/message', { messageName: 'abmeldung', businessKey: 'FALL-A6' })).status).to.equal(400);
    expect(await taskOf(t.api, r.body.id, 'danach')).to.equal(undefined);
    expect((await as('demo-cm-traeger-awo')('POST', '/engine-rest/message', { messageName: 'abmeldung', businessKey: 'FALL-A6' })).status).to.equal(204);
    expect(await taskOf(t.api, r.body.id, 'danach')).to.exist;
  });
});
