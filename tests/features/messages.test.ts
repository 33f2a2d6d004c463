import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys, varsOf } from '../helpers/flow.ts';

describe('feature: messages, signals, receive tasks, timers, service tasks', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
    t.handlers.register('berechneLeistung', ({ variables }) => ({ benefitSystem: variables.status === 'DULDUNG' ? 'ASYLBLG' : 'SGB2' }));
    t.handlers.register('kaputt', () => {
      throw new Error('Schnittstelle nicht erreichbar');
    });
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

  it('service tasks run registered handlers; a failing handler leaves the instance at its last wait state with a clear error', async () => {
    await deploy(t.api, {
      'svc.bpmn': bpmn('svc', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="ersterfassung"/>
        <bpmn:userTask id="ersterfassung"/><bpmn:sequenceFlow id="f1" sourceRef="ersterfassung" targetRef="calc"/>
        <bpmn:serviceTask id="calc" camunda:type="external" camunda:topic="berechneLeistung"/>
        <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="g"/>
        <bpmn:exclusiveGateway id="g" default="fok"/>
        <bpmn:sequenceFlow id="fbroken" sourceRef="g" targetRef="broken"><bpmn:conditionExpression>=benefitSystem = "ASYLBLG"</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fok" sourceRef="g" targetRef="antrag"/>
        <bpmn:serviceTask id="broken" camunda:delegateExpression="\${kaputt}"/><bpmn:sequenceFlow id="f3" sourceRef="broken" targetRef="antrag"/>
        <bpmn:userTask id="antrag"/><bpmn:sequenceFlow id="f4" sourceRef="antrag" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const ok = await start(t, 'svc');
    await completeByKey(t, ok.id, 'ersterfassung', { status: { value: 'AUFENTHALT', type: 'String' } });
    expect(await taskKeys(t, ok.id)).to.deep.equal(['antrag']);
    expect((await varsOf(t, ok.id)).benefitSystem).to.equal('SGB2');

    const bad = await start(t, 'svc');
    const [task] = (await t.api('GET', `/engine-rest/task?processInstanceId=${bad.id}`)).body;
    const r = await t.api('POST', `/engine-rest/task/${task.id}/complete`, { variables: { status: { value: 'DULDUNG', type: 'String' } } });
    expect(r.status).to.equal(500);
    expect(r.body.message).to.contain('Schnittstelle nicht erreichbar').and.to.contain('broken');
    // Nothing was committed: the task is still there, the variable was not set.
    expect(await taskKeys(t, bad.id)).to.deep.equal(['ersterfassung']);
    expect((await varsOf(t, bad.id)).status).to.equal(undefined);
  });
});
