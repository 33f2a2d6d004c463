import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys, varsOf } from '../helpers/flow.ts';
import { BpmnError } from '../../src/engine/handlers.ts';

const serviceDiagram = bpmn('svc', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="ersterfassung"/>
  <bpmn:userTask id="ersterfassung"/><bpmn:sequenceFlow id="f1" sourceRef="ersterfassung" targetRef="calc"/>
  <bpmn:serviceTask id="calc" camunda:type="external" camunda:topic="berechneLeistung"/>
  <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="g"/>
  <bpmn:exclusiveGateway id="g" default="fok"/>
  <bpmn:sequenceFlow id="fbroken" sourceRef="g" targetRef="broken"><bpmn:conditionExpression>=benefitSystem = "ASYLBLG"</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="fok" sourceRef="g" targetRef="antrag"/>
  <bpmn:serviceTask id="broken" camunda:delegateExpression="\${kaputt}">
    <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R3/PT1M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:sequenceFlow id="f3" sourceRef="broken" targetRef="antrag"/>
  <bpmn:userTask id="antrag"/><bpmn:sequenceFlow id="f4" sourceRef="antrag" targetRef="e"/><bpmn:endEvent id="e"/>`);

describe('feature: messages, signals, receive tasks, timers, service tasks', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
    t.handlers.register('berechneLeistung', ({ variables }) => ({ benefitSystem: variables.status === 'DULDUNG' ? 'ASYLBLG' : 'SGB2' }));
  });
  afterEach(() => t.close());

  it('message start event, receive task and boundary message by business key; 400 when nothing matches', async () => {
    await deploy(t.api, {
      'msg.bpmn': bpmn('msg', `
        <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="mStart"/></bpmn:startEvent>
        <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="wait"/>
        <bpmn:receiveTask id="wait" messageRef="mDocs"/>
        <bpmn:sequenceFlow id="f1" sourceRef="wait" targetRef="work"/>
        <bpmn:userTask id="work"/>
        <bpmn:boundaryEvent id="moved" attachedToRef="work"><bpmn:messageEventDefinition messageRef="mMoved"/></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/><bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f3" sourceRef="moved" targetRef="e2"/><bpmn:endEvent id="e2"/>`,
        '<bpmn:message id="mStart" name="fallanfrage"/><bpmn:message id="mDocs" name="unterlagen"/><bpmn:message id="mMoved" name="abmeldung"/>'),
    });
    const started = await t.api('POST', '/engine-rest/message', { messageName: 'fallanfrage', businessKey: 'C-1', processVariables: { referralSource: { value: 'JOBCENTER', type: 'String' } }, resultEnabled: true });
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    expect(started.body[0].resultType).to.equal('ProcessDefinition');
    const id = started.body[0].processInstance.id;
    await t.api('POST', '/engine-rest/message', { messageName: 'fallanfrage', businessKey: 'C-2' });
    expect(await taskKeys(t, id)).to.deep.equal([]);

    await t.restart();
    const none = await t.api('POST', '/engine-rest/message', { messageName: 'unterlagen', businessKey: 'C-404' });
    expect(none.status).to.equal(400);
    expect(none.body.type).to.match(/Exception$/);
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'unterlagen', businessKey: 'C-1', processVariables: { docs: { value: 3, type: 'Integer' } } })).status).to.equal(204);
    expect(await taskKeys(t, id)).to.deep.equal(['work']);
    expect((await varsOf(t, id)).docs).to.equal(3);

    // Correlation keys select by process variables.
    const other = (await t.api('GET', '/engine-rest/process-instance?businessKey=C-2')).body[0];
    await t.api('POST', '/engine-rest/message', { messageName: 'unterlagen', correlationKeys: { referralSource: { value: 'NONE', type: 'String' } } }).then((r) => expect(r.status).to.equal(400));
    await t.api('POST', '/engine-rest/message', { messageName: 'unterlagen', processInstanceId: other.id }).then((r) => expect(r.status).to.equal(204));

    // The interrupting boundary message cancels the task.
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'abmeldung', businessKey: 'C-1' })).status).to.equal(204);
    expect(await stateOf(t, id)).to.equal('COMPLETED');
    const history = (await t.api('GET', `/engine-rest/history/task?processInstanceId=${id}`)).body;
    expect(history[0]).to.include({ taskDefinitionKey: 'work', deleteReason: 'deleted' });
  });

  it('signals reach every waiting intermediate signal catch', async () => {
    await deploy(t.api, {
      'sig.bpmn': bpmn('sig', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="c"/>
        <bpmn:intermediateCatchEvent id="c"><bpmn:signalEventDefinition signalRef="sg"/></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="c" targetRef="w"/><bpmn:userTask id="w"/><bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e"/><bpmn:endEvent id="e"/>`,
        '<bpmn:signal id="sg" name="gesetzAenderung"/>'),
    });
    const a = await start(t, 'sig');
    const b = await start(t, 'sig');
    await t.restart();
    expect((await t.api('POST', '/engine-rest/signal', { name: 'gesetzAenderung' })).status).to.equal(204);
    expect(await taskKeys(t, a.id)).to.deep.equal(['w']);
    expect(await taskKeys(t, b.id)).to.deep.equal(['w']);
  });

  it('timers: a non-interrupting boundary timer and an intermediate timer fire on the clock, once, also after a restart', async () => {
    await deploy(t.api, {
      'tim.bpmn': bpmn('tim', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="anmeldung"/>
        <bpmn:userTask id="anmeldung"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="anmeldung" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="remind" targetRef="erinnerung"/><bpmn:userTask id="erinnerung"/><bpmn:sequenceFlow id="f2" sourceRef="erinnerung" targetRef="e1"/><bpmn:endEvent id="e1"/>
        <bpmn:sequenceFlow id="f3" sourceRef="anmeldung" targetRef="pause"/>
        <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDate>=date and time(due)</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f4" sourceRef="pause" targetRef="after"/><bpmn:userTask id="after"/><bpmn:sequenceFlow id="f5" sourceRef="after" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = await start(t, 'tim', { variables: { due: { value: '2027-01-01T00:00:00Z', type: 'String' } } });
    const jobs = await t.service.store.nextTimerDue();
    expect(jobs).to.equal('2026-03-15T08:00:00.000Z');
    t.clock.advance(13 * 86400_000);
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['anmeldung']);
    await t.stop();
    t.clock.advance(2 * 86400_000); // due while the service was down
    await t.restart();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['anmeldung', 'erinnerung']);
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['anmeldung', 'erinnerung']);
    await completeByKey(t, inst.id, 'anmeldung');
    expect((await t.service.store.getInstance(inst.id))!.timers.map((x) => x.dueAt)).to.deep.equal(['2027-01-01T00:00:00.000Z']);
    t.clock.set(Date.parse('2027-01-01T00:00:01Z'));
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['after', 'erinnerung']);
  });

  it('service tasks run as jobs: the handler runs after the commit, its output continues the instance', async () => {
    await deploy(t.api, { 'svc.bpmn': serviceDiagram });
    const ok = await start(t, 'svc');
    await completeByKey(t, ok.id, 'ersterfassung', { status: { value: 'AUFENTHALT', type: 'String' } });
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, ok.id)).to.deep.equal(['antrag']);
    expect((await varsOf(t, ok.id)).benefitSystem).to.equal('SGB2');
    expect((await t.api('GET', `/engine-rest/job?processInstanceId=${ok.id}`)).body).to.deep.equal([]);
  });

  it('a failing handler is retried with backoff (R3/PT1M), then raises an incident; new retries run it again', async () => {
    let broken = true;
    t.handlers.register('kaputt', () => {
      if (broken) throw new Error('Schnittstelle nicht erreichbar');
      return { repaired: true };
    });
    await deploy(t.api, { 'svc.bpmn': serviceDiagram });
    const bad = await start(t, 'svc');
    await completeByKey(t, bad.id, 'ersterfassung', { status: { value: 'DULDUNG', type: 'String' } });
    await t.service.scheduler.runDue();
    let [job] = (await t.api('GET', `/engine-rest/job?processInstanceId=${bad.id}`)).body;
    expect(job).to.include({ activityId: 'broken', retries: 2, jobType: 'job' });
    expect(job.exceptionMessage).to.contain('Schnittstelle nicht erreichbar');
    expect(job.dueDate).to.equal('2026-03-01T08:01:00.000+0000');

    for (const expectedRetries of [1, 0]) {
      t.clock.advance(60_000);
      await t.service.scheduler.runDue();
      [job] = (await t.api('GET', `/engine-rest/job?processInstanceId=${bad.id}`)).body;
      expect(job.retries).to.equal(expectedRetries);
    }
    // Retries ran out: an incident, and the instance waits at the service task.
    const incidents = (await t.api('GET', `/engine-rest/incident?processInstanceId=${bad.id}`)).body;
    expect(incidents).to.have.length(1);
    expect(incidents[0]).to.include({ incidentType: 'failedJob', activityId: 'broken', configuration: job.id, incidentTimestamp: '2026-03-01T08:02:00.000+0000' });
    expect(incidents[0].incidentMessage).to.contain('Schnittstelle nicht erreichbar');
    t.clock.advance(3600_000);
    await t.service.scheduler.runDue();
    expect((await t.api('GET', '/engine-rest/incident/count')).body.count).to.equal(1);
    expect(await taskKeys(t, bad.id)).to.deep.equal([]);
    expect((await varsOf(t, bad.id)).benefitSystem).to.equal('ASYLBLG');

    broken = false;
    expect((await t.api('PUT', `/engine-rest/job/${job.id}/retries`, { retries: 1 })).status).to.equal(204);
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, bad.id)).to.deep.equal(['antrag']);
    expect((await varsOf(t, bad.id)).repaired).to.equal(true);
    expect((await t.api('GET', '/engine-rest/incident/count')).body.count).to.equal(0);
    expect((await t.api('PUT', '/engine-rest/job/nope/retries', { retries: 1 })).status).to.equal(404);
  });

  it('a BPMN error thrown by a handler takes the error boundary path', async () => {
    t.handlers.register('pruefeUnterlagen', () => {
      throw new BpmnError('UNTERLAGEN_FEHLEN', 'Pass fehlt');
    });
    await deploy(t.api, {
      'bpmnerr.bpmn': bpmn('bpmnerr', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="check"/>
        <bpmn:serviceTask id="check" camunda:type="external" camunda:topic="pruefeUnterlagen"/>
        <bpmn:boundaryEvent id="missing" attachedToRef="check"><bpmn:errorEventDefinition errorRef="E"/></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="check" targetRef="e"/><bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f2" sourceRef="missing" targetRef="nachfordern"/><bpmn:userTask id="nachfordern"/>
        <bpmn:sequenceFlow id="f3" sourceRef="nachfordern" targetRef="e2"/><bpmn:endEvent id="e2"/>`,
        '<bpmn:error id="E" errorCode="UNTERLAGEN_FEHLEN"/>'),
    });
    const inst = await start(t, 'bpmnerr');
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['nachfordern']);
    expect((await t.api('GET', '/engine-rest/incident/count')).body.count).to.equal(0);
  });
});
