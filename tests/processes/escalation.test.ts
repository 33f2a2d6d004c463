/**
 * The consent-gated automatic escalation to the Ausländerbehörde (KIM-PROCESSES.md §1, §5, §6), as
 * the diagrams use it: a deadline timer → `eskalationAbh` (consent gate at the moment of transfer) →
 * `abh-eskalation` with the minimal data set, or `interneEskalation`; and a withdrawal reaching the
 * running case as message `einwilligungWiderrufen`. The diagram here is a small stand-in; the KIM
 * processes use the same elements.
 */
import { expect } from 'chai';
import { deploy, bpmn } from '../helpers/service.ts';
import { startKimService, type KimService, tasksByBusinessKey, work, vars } from '../helpers/kim.ts';

const MINIMAL = ['abhAktenzeichen', 'dateOfBirth', 'familyName', 'givenName', 'keyDeadline', 'recommendedPath'];

const XML = bpmn('eskalation-test', `
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="antragStellen" name="Antrag stellen" camunda:candidateGroups="cm-ki"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="ende"><bpmn:incoming>f2</bpmn:incoming><bpmn:terminateEventDefinition /></bpmn:endEvent>
    <bpmn:boundaryEvent id="frist" name="D-42" attachedToRef="antragStellen" cancelActivity="false"><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=date and time(date(keyDeadline), time("08:00:00")) - duration("P42D")</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="abhPruefen" name="Frist gefährdet: Eskalation an die ABH" camunda:type="external" camunda:topic="eskalationAbh"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:exclusiveGateway id="gw" default="fBlocked"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>fAllowed</bpmn:outgoing><bpmn:outgoing>fBlocked</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:callActivity id="anAbh" name="An ABH übermitteln" calledElement="abh-eskalation"><bpmn:incoming>fAllowed</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:extensionElements>
        <camunda:in businessKey="=execution.processBusinessKey" />
        <camunda:in source="givenName" target="givenName" /><camunda:in source="familyName" target="familyName" />
        <camunda:in source="dateOfBirth" target="dateOfBirth" /><camunda:in source="abhAktenzeichen" target="abhAktenzeichen" />
        <camunda:in source="recommendedPath" target="recommendedPath" /><camunda:in source="keyDeadline" target="keyDeadline" />
        <camunda:out source="abhRueckmeldung" target="abhRueckmeldung" />
      </bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="ende2"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:userTask id="interneEskalation" name="Interne Eskalation" camunda:candidateGroups="kim-koordination"><bpmn:incoming>fBlocked</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="ende3"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="antragStellen" />
    <bpmn:sequenceFlow id="f2" sourceRef="antragStellen" targetRef="ende" />
    <bpmn:sequenceFlow id="f3" sourceRef="frist" targetRef="abhPruefen" />
    <bpmn:sequenceFlow id="f4" sourceRef="abhPruefen" targetRef="gw" />
    <bpmn:sequenceFlow id="fAllowed" sourceRef="gw" targetRef="anAbh"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=transferAllowed = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fBlocked" sourceRef="gw" targetRef="interneEskalation" />
    <bpmn:sequenceFlow id="f5" sourceRef="anAbh" targetRef="ende2" />
    <bpmn:sequenceFlow id="f6" sourceRef="interneEskalation" targetRef="ende3" />
    <bpmn:subProcess id="widerruf" triggeredByEvent="true">
      <bpmn:startEvent id="widerrufStart" isInterrupting="false"><bpmn:outgoing>w1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_widerruf" /></bpmn:startEvent>
      <bpmn:userTask id="widerrufBearbeiten" name="Widerruf bearbeiten" camunda:candidateGroups="cm-ki"><bpmn:incoming>w1</bpmn:incoming><bpmn:outgoing>w2</bpmn:outgoing></bpmn:userTask>
      <bpmn:endEvent id="widerrufEnde"><bpmn:incoming>w2</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="w1" sourceRef="widerrufStart" targetRef="widerrufBearbeiten" />
      <bpmn:sequenceFlow id="w2" sourceRef="widerrufBearbeiten" targetRef="widerrufEnde" />
    </bpmn:subProcess>`, '  <bpmn:message id="Msg_widerruf" name="einwilligungWiderrufen" />');

describe('process: consent-gated escalation to the Ausländerbehörde', () => {
  let k: KimService;
  beforeEach(async () => {
    k = await startKimService({ now: '2026-03-02T08:00:00Z' });
    const r = await deploy(k.api, { 'eskalation-test.bpmn': XML });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  });
  afterEach(() => k.close());

  const cm = () => k.as('demo-cm-ki');
  const startCase = async (caseId: string) => {
    const r = await cm()('POST', '/engine-rest/process-definition/key/eskalation-test/start', {
      businessKey: caseId,
      variables: vars({
        givenName: 'Amina', familyName: 'Haddad', dateOfBirth: '1999-05-04', abhAktenzeichen: 'ABH-104C-17', recommendedPath: 'P25B',
        keyDeadline: '2026-06-01', lifeAreas: [{ area: 'GESUNDHEIT', needLevel: 3, note: 'Therapie' }], bemerkung: 'vertraulich',
      }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.id as string;
  };
  const consent = async (caseId: string, scope: string[]) => {
    const r = await cm()('POST', '/api/consents', {
      caseId, personRef: 'P-1', recipient: 'abh', purposes: ['AUFENTHALTSSICHERUNG'], dataCategories: ['STAMMDATEN', 'AUFENTHALT'], scope,
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id as string;
  };
  const audit = async (caseId: string, type: string) => (await k.api('GET', `/api/audit?caseId=${caseId}&type=${type}`)).body.items as Array<Record<string, any>>;
  const varsOf = async (id: string) => (await k.api('GET', `/engine-rest/process-instance/${id}/variables`)).body as Record<string, { value: unknown }>;
  const atDeadline = async () => {
    await k.advance('P50D'); // D−42 = 2026-04-20
    await k.service.scheduler.runDue();
  };

  it('with a consent covering DEADLINE_ESCALATION: an abhEskalation task for abh with only the minimal data set, audit and ABH mailbox', async () => {
    const id = await startCase('FALL-E1');
    await consent('FALL-E1', ['UEBERLEITUNG', 'DEADLINE_ESCALATION']);
    await atDeadline();

    const abhTasks = await tasksByBusinessKey(k.as('demo-abh'), 'FALL-E1');
    const task = abhTasks.find((t) => t.taskDefinitionKey === 'abhEskalation');
    expect(task, JSON.stringify(abhTasks)).to.exist;
    expect(task!.candidateGroups).to.deep.equal(['abh']);
    expect(task!.processInstanceId).to.not.equal(id);
    const taskVars = (await k.as('demo-abh')('GET', `/engine-rest/task/${task!.id}/variables`)).body;
    expect(Object.keys(taskVars).sort()).to.deep.equal(MINIMAL);
    expect(taskVars.familyName.value).to.equal('Haddad');

    const escalated = await audit('FALL-E1', 'ESCALATED_TO_ABH');
    expect(escalated).to.have.length(1);
    expect(escalated[0]).to.include({ caseId: 'FALL-E1', purpose: 'DEADLINE_ESCALATION', userId: null });
    expect(escalated[0].details).to.include({ recipient: 'abh', level: 3 });
    expect(await audit('FALL-E1', 'TRANSFER_BLOCKED')).to.have.length(0);
    expect((await varsOf(id)).escalationLevel.value).to.equal(3);

    const inbox = (await k.as('demo-abh')('GET', '/api/notifications')).body.items as Array<Record<string, any>>;
    expect(inbox.map((n) => n.event)).to.deep.equal(['escalation.raised']);
    expect(inbox[0].subject).to.equal('Eskalation Stufe 3 an die Ausländerbehörde: Fall FALL-E1');
    const text = JSON.stringify(inbox);
    expect(text).to.contain('Haddad');
    expect(text).to.not.contain('Therapie');
    expect(text).to.not.contain('vertraulich');

    await work(k.as('demo-abh'), 'FALL-E1', 'abhEskalation', { abhRueckmeldung: 'UEBERNOMMEN' });
    expect((await varsOf(id)).abhRueckmeldung.value).to.equal('UEBERNOMMEN');
  });

  it('without covering consent: no abhEskalation, TRANSFER_BLOCKED and interneEskalation for kim-koordination', async () => {
    const id = await startCase('FALL-E2');
    await consent('FALL-E2', ['UEBERLEITUNG']); // handoff only, no deadline escalation
    await atDeadline();
    const all = await tasksByBusinessKey(k.api, 'FALL-E2');
    expect(all.map((t) => t.taskDefinitionKey).sort()).to.deep.equal(['antragStellen', 'interneEskalation']);
    expect(all.find((t) => t.taskDefinitionKey === 'interneEskalation')!.candidateGroups).to.deep.equal(['kim-koordination']);
    const blocked = await audit('FALL-E2', 'TRANSFER_BLOCKED');
    expect(blocked).to.have.length(1);
    expect(blocked[0].details.reason).to.contain('DEADLINE_ESCALATION');
    expect(await audit('FALL-E2', 'ESCALATED_TO_ABH')).to.have.length(0);
    expect((await varsOf(id)).escalationLevel.value).to.equal(2);
    const abhInbox = (await k.as('demo-abh')('GET', '/api/notifications')).body.items as unknown[];
    expect(abhInbox).to.have.length(0);
  });

  it('a consent withdrawn after it was granted blocks the later escalation, and the withdrawal reaches the running case', async () => {
    await startCase('FALL-E3');
    const consentId = await consent('FALL-E3', ['UEBERLEITUNG', 'DEADLINE_ESCALATION']);
    await k.advance('P10D');
    const w = await cm()('POST', `/api/consents/${consentId}/withdraw`, {});
    expect(w.status, JSON.stringify(w.body)).to.equal(200);
    expect((await tasksByBusinessKey(k.api, 'FALL-E3')).map((t) => t.taskDefinitionKey).sort()).to.deep.equal(['antragStellen', 'widerrufBearbeiten']);
    await atDeadline();
    const keys = (await tasksByBusinessKey(k.api, 'FALL-E3')).map((t) => t.taskDefinitionKey).sort();
    expect(keys).to.deep.equal(['antragStellen', 'interneEskalation', 'widerrufBearbeiten']);
    const blocked = await audit('FALL-E3', 'TRANSFER_BLOCKED');
    expect(blocked).to.have.length(1);
    expect(blocked[0].details.reason).to.contain('withdrawn');
    expect(await audit('FALL-E3', 'CONSENT_WITHDRAWN')).to.have.length(1);
  });
});
