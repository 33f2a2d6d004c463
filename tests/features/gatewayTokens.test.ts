/**
 * Token semantics where bpmn-elements' dead-path elimination differs from BPMN/Camunda:
 * - an exclusive merge inside one branch of a parallel split must not let the join fire before the
 *   taken path has arrived (the discarded path is not a token);
 * - an event-based gateway keeps waiting for its events across any number of reloads.
 */
import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys } from '../helpers/flow.ts';

const MERGE = bpmn('merge-join', `
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="split"/>
    <bpmn:exclusiveGateway id="split" default="fDefault"/>
    <bpmn:sequenceFlow id="fA" sourceRef="split" targetRef="a1"><bpmn:conditionExpression>=doA = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:userTask id="a1"/><bpmn:sequenceFlow id="fA2" sourceRef="a1" targetRef="merge"/>
    <bpmn:sequenceFlow id="fDefault" sourceRef="split" targetRef="merge"/>
    <bpmn:exclusiveGateway id="merge"/><bpmn:sequenceFlow id="fM" sourceRef="merge" targetRef="join"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="b"/><bpmn:userTask id="b"/><bpmn:sequenceFlow id="fB" sourceRef="b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/><bpmn:sequenceFlow id="fJ" sourceRef="join" targetRef="after"/>
    <bpmn:userTask id="after"/><bpmn:sequenceFlow id="fE" sourceRef="after" targetRef="e"/><bpmn:endEvent id="e"/>`);

const EVENT_GATEWAY = bpmn('event-gw', `
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="gw"/><bpmn:eventBasedGateway id="gw"/>
    <bpmn:sequenceFlow id="fm" sourceRef="gw" targetRef="antwort"/>
    <bpmn:intermediateCatchEvent id="antwort"><bpmn:messageEventDefinition messageRef="M"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="fm2" sourceRef="antwort" targetRef="beantwortet"/><bpmn:userTask id="beantwortet"/>
    <bpmn:sequenceFlow id="fm3" sourceRef="beantwortet" targetRef="e1"/><bpmn:endEvent id="e1"/>
    <bpmn:sequenceFlow id="ft" sourceRef="gw" targetRef="frist"/>
    <bpmn:intermediateCatchEvent id="frist"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="ft2" sourceRef="frist" targetRef="fristAbgelaufen"/><bpmn:userTask id="fristAbgelaufen"/>
    <bpmn:sequenceFlow id="ft3" sourceRef="fristAbgelaufen" targetRef="e2"/><bpmn:endEvent id="e2"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="w1"/><bpmn:userTask id="w1"/>
    <bpmn:sequenceFlow id="f3" sourceRef="w1" targetRef="w2"/><bpmn:userTask id="w2"/>
    <bpmn:sequenceFlow id="f4" sourceRef="w2" targetRef="e3"/><bpmn:endEvent id="e3"/>`, '<bpmn:message id="M" name="antwort" />');

describe('feature: token semantics of merges, joins and event-based gateways', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
    expect((await deploy(t.api, { 'm.bpmn': MERGE, 'g.bpmn': EVENT_GATEWAY })).status).to.equal(200);
  });
  afterEach(() => t.close());

  it('an exclusive split and merge in one branch: the join waits for the taken path', async () => {
    const inst = await start(t, 'merge-join', { variables: { doA: { value: true, type: 'Boolean' } } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['a1', 'b']);
    await completeByKey(t, inst.id, 'b');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['a1']);
    await completeByKey(t, inst.id, 'a1');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['after']);
    await completeByKey(t, inst.id, 'after');
    expect(await stateOf(t, inst.id)).to.equal('COMPLETED');
    const afters = (await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${inst.id}&activityId=after`)).body;
    expect(afters).to.have.length(1);
  });

  it('the default path through the merge: the join waits for the other branch only', async () => {
    const inst = await start(t, 'merge-join', { variables: { doA: { value: false, type: 'Boolean' } } });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['b']);
    await completeByKey(t, inst.id, 'b');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['after']);
  });

  it('an event-based gateway still reacts to its message after the instance was reloaded several times', async () => {
    const inst = await start(t, 'event-gw', { businessKey: 'EG-1' });
    await completeByKey(t, inst.id, 'w1');
    await t.restart();
    await completeByKey(t, inst.id, 'w2');
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'antwort', businessKey: 'EG-1' })).status).to.equal(204);
    expect(await taskKeys(t, inst.id)).to.deep.equal(['beantwortet']);
    t.clock.advance(2 * 3600 * 1000);
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['beantwortet']);
    await completeByKey(t, inst.id, 'beantwortet');
    expect(await stateOf(t, inst.id)).to.equal('COMPLETED');
  });

  it('an event-based gateway takes its timer after reloads, and the message is no longer awaited', async () => {
    const inst = await start(t, 'event-gw', { businessKey: 'EG-2' });
    await completeByKey(t, inst.id, 'w1');
    await completeByKey(t, inst.id, 'w2');
    t.clock.advance(2 * 3600 * 1000);
    await t.service.scheduler.runDue();
    expect(await taskKeys(t, inst.id)).to.deep.equal(['fristAbgelaufen']);
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'antwort', businessKey: 'EG-2' })).status).to.equal(400);
  });
});
