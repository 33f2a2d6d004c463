/**
 * camunda:inputOutput with FEEL: input parameters are an activity's local variables (a user task's
 * task variables, visible to its own expressions), output parameters set process variables when it
 * completes — before the next gateway decides. And a timer whose FEEL resolves to nothing is an error.
 */
import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys, tasksOf, varsOf } from '../helpers/flow.ts';

const XML = bpmn('io', `
    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="abschluss" name="Abschluss" camunda:dueDate="=date and time(frist)">
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="frist">=string(date(closureDate) + duration("P3D")) + "T12:00:00Z"</camunda:inputParameter>
          <camunda:inputParameter name="hinweis">Bitte Abschlussgrund wählen</camunda:inputParameter>
          <camunda:inputParameter name="optionen"><camunda:list><camunda:value>ZIELE_ERREICHT</camunda:value><camunda:value>=upper case("abbruch")</camunda:value></camunda:list></camunda:inputParameter>
          <camunda:outputParameter name="ergebnis">=closureReason</camunda:outputParameter>
          <camunda:outputParameter name="deletionDueAt">=date(date(closureDate).year + 3, 12, 31)</camunda:outputParameter>
          <camunda:outputParameter name="zusammenfassung"><camunda:map><camunda:entry key="grund">=closureReason</camunda:entry><camunda:entry key="quelle">Formular</camunda:entry></camunda:map></camunda:outputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
      <bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="gw" default="fSonst"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>fZiel</bpmn:outgoing><bpmn:outgoing>fSonst</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="erfolg" name="Erfolg"><bpmn:incoming>fZiel</bpmn:incoming></bpmn:userTask>
    <bpmn:userTask id="sonst" name="Sonst"><bpmn:incoming>fSonst</bpmn:incoming></bpmn:userTask>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="abschluss" />
    <bpmn:sequenceFlow id="f1" sourceRef="abschluss" targetRef="gw" />
    <bpmn:sequenceFlow id="fZiel" sourceRef="gw" targetRef="erfolg"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=ergebnis = "ZIELE_ERREICHT"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fSonst" sourceRef="gw" targetRef="sonst" />`);

const TIMER = bpmn('nulltimer', `
    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="a" name="A"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="b" name="B"><bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>
    <bpmn:boundaryEvent id="frist" attachedToRef="b" cancelActivity="false"><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=date and time(keyDeadline) - duration("P42D")</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="eskalation" name="Eskalation"><bpmn:incoming>f2</bpmn:incoming></bpmn:userTask>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="a" />
    <bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b" />
    <bpmn:sequenceFlow id="f2" sourceRef="frist" targetRef="eskalation" />`);

describe('feature: camunda:inputOutput (FEEL) and timer expressions', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
    const r = await deploy(t.api, { 'io.bpmn': XML, 'timer.bpmn': TIMER });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  });
  afterEach(() => t.close());

  it('input parameters are task variables and feed the task’s own expressions; output parameters set process variables before the gateway', async () => {
    const inst = await start(t, 'io', { variables: { closureDate: { value: '2026-05-04', type: 'String' } } });
    const [task] = (await tasksOf(t, inst.id)) as unknown as Array<{ id: string; due: string }>;
    expect(task.due.slice(0, 16)).to.equal('2026-05-07T12:00');
    const taskVars = (await t.api('GET', `/engine-rest/task/${task.id}/variables`)).body;
    expect(taskVars.hinweis.value).to.equal('Bitte Abschlussgrund wählen');
    expect(taskVars.optionen.value).to.deep.equal(['ZIELE_ERREICHT', 'ABBRUCH']);
    expect((await varsOf(t, inst.id)).hinweis, 'inputs are local').to.equal(undefined);

    await completeByKey(t, inst.id, 'abschluss', { closureReason: { value: 'ZIELE_ERREICHT', type: 'String' } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['erfolg']);
    const v = await varsOf(t, inst.id);
    expect(v.ergebnis).to.equal('ZIELE_ERREICHT');
    expect(v.deletionDueAt).to.equal('2029-12-31');
    expect(v.zusammenfassung).to.deep.equal({ grund: 'ZIELE_ERREICHT', quelle: 'Formular' });
    expect(v.frist, 'inputs do not leak into the process').to.equal(undefined);
  });

  it('a timer whose FEEL resolves to nothing fails the command with a clear error, and nothing changes', async () => {
    const inst = await start(t, 'nulltimer');
    const [a] = await tasksOf(t, inst.id);
    const r = await t.api('POST', `/engine-rest/task/${a.id}/complete`, { variables: {} });
    expect(r.status).to.equal(500);
    expect(r.body.message).to.contain('timeDate of frist resolved to nothing');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['a']);
    expect(await stateOf(t, inst.id)).to.equal('ACTIVE');
    const ok = await t.api('POST', `/engine-rest/task/${a.id}/complete`, { variables: { keyDeadline: { value: '2026-09-01T08:00:00Z', type: 'String' } } });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(204);
    expect(await taskKeys(t, inst.id)).to.deep.equal(['b']);
  });
});

describe('feature: handler results that only raise a variable (atLeast)', () => {
  it('two jobs raising escalationLevel in either order leave the higher level', async () => {
    const { HandlerRegistry, atLeast } = await import('../../src/engine/handlers.ts');
    const handlers = new HandlerRegistry().register('stufe3', () => ({ escalationLevel: atLeast(3) })).register('stufe1', () => ({ escalationLevel: atLeast(1) }));
    const t = await startTestService({ handlers });
    try {
      await deploy(t.api, { 'raise.bpmn': bpmn('raise', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="a"/>
        <bpmn:serviceTask id="a" camunda:type="external" camunda:topic="stufe3"/><bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"/>
        <bpmn:serviceTask id="b" camunda:type="external" camunda:topic="stufe1"/><bpmn:sequenceFlow id="f2" sourceRef="b" targetRef="w"/>
        <bpmn:userTask id="w"/>`) });
      const inst = await start(t, 'raise');
      for (let i = 0; i < 3; i++) await t.service.scheduler.runDue();
      expect(await taskKeys(t, inst.id)).to.deep.equal(['w']);
      expect((await varsOf(t, inst.id)).escalationLevel).to.equal(3);
    } finally {
      await t.close();
    }
  });
});
