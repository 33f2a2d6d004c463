import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';

const taskKeys = async (t: TestService, id: string) =>
  ((await t.api('GET', `/engine-rest/task?processInstanceId=${id}&sortBy=name&sortOrder=asc`)).body as Array<{ taskDefinitionKey: string; id: string }>);

async function completeByKey(t: TestService, id: string, key: string, variables = {}) {
  const task = (await taskKeys(t, id)).find((x) => x.taskDefinitionKey === key);
  expect(task, `task ${key}`).to.exist;
  const r = await t.api('POST', `/engine-rest/task/${task!.id}/complete`, { variables });
  expect(r.status, JSON.stringify(r.body)).to.equal(204);
}

const state = async (t: TestService, id: string) => (await t.api('GET', `/engine-rest/history/process-instance/${id}`)).body.state;

describe('feature: gateways', () => {
  let t: TestService;
  beforeEach(async () => (t = await startTestService()));
  afterEach(() => t.close());

  it('parallel gateway: forks into two tasks, joins after both, survives a restart between them', async () => {
    await deploy(t.api, {
      'par.bpmn': bpmn('par', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
        <bpmn:parallelGateway id="fork"/>
        <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="a"/><bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="b"/>
        <bpmn:userTask id="a" name="A"/><bpmn:userTask id="b" name="B"/>
        <bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="join"/><bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="join"/>
        <bpmn:parallelGateway id="join"/><bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="c"/>
        <bpmn:userTask id="c" name="C"/><bpmn:sequenceFlow id="f6" sourceRef="c" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const { body: inst } = await t.api('POST', '/engine-rest/process-definition/key/par/start', {});
    expect((await taskKeys(t, inst.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['a', 'b']);
    await completeByKey(t, inst.id, 'a');
    expect((await taskKeys(t, inst.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['b']);
    await t.restart();
    await completeByKey(t, inst.id, 'b');
    expect((await taskKeys(t, inst.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['c']);
    await completeByKey(t, inst.id, 'c');
    expect(await state(t, inst.id)).to.equal('COMPLETED');
  });

  it('inclusive gateway: takes every branch whose FEEL condition holds and joins them', async () => {
    await deploy(t.api, {
      'inc.bpmn': bpmn('inc', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="split"/>
        <bpmn:inclusiveGateway id="split"/>
        <bpmn:sequenceFlow id="fa" sourceRef="split" targetRef="school"><bpmn:conditionExpression>=count(children[age &gt;= 6]) &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fb" sourceRef="split" targetRef="kita"><bpmn:conditionExpression>=count(children[age &lt; 6]) &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fc" sourceRef="split" targetRef="job"><bpmn:conditionExpression>\${adults &gt; 5}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:userTask id="school"/><bpmn:userTask id="kita"/><bpmn:userTask id="job"/>
        <bpmn:sequenceFlow id="f1" sourceRef="school" targetRef="merge"/><bpmn:sequenceFlow id="f2" sourceRef="kita" targetRef="merge"/><bpmn:sequenceFlow id="f3" sourceRef="job" targetRef="merge"/>
        <bpmn:inclusiveGateway id="merge"/><bpmn:sequenceFlow id="f4" sourceRef="merge" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const { body: inst } = await t.api('POST', '/engine-rest/process-definition/key/inc/start', {
      variables: { children: { type: 'Json', value: [{ age: 9 }, { age: 4 }] }, adults: { type: 'Integer', value: 2 } },
    });
    expect((await taskKeys(t, inst.id)).map((x) => x.taskDefinitionKey).sort()).to.deep.equal(['kita', 'school']);
    await completeByKey(t, inst.id, 'school');
    await t.restart();
    expect(await state(t, inst.id)).to.equal('ACTIVE');
    await completeByKey(t, inst.id, 'kita');
    expect(await state(t, inst.id)).to.equal('COMPLETED');
  });

  it('event-based gateway: the message branch wins and the timer branch is dropped', async () => {
    await deploy(t.api, {
      'ebg.bpmn': bpmn('ebg', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
        <bpmn:eventBasedGateway id="g"/>
        <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="answer"/><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="wait"/>
        <bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="m1"/></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P28D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="answer" targetRef="agreed"/><bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="fictitious"/>
        <bpmn:userTask id="agreed"/><bpmn:userTask id="fictitious"/>
        <bpmn:sequenceFlow id="f5" sourceRef="agreed" targetRef="e"/><bpmn:sequenceFlow id="f6" sourceRef="fictitious" targetRef="e"/><bpmn:endEvent id="e"/>`,
        '<bpmn:message id="m1" name="zustimmung"/>'),
    });
    const a = (await t.api('POST', '/engine-rest/process-definition/key/ebg/start', { businessKey: 'A' })).body;
    const b = (await t.api('POST', '/engine-rest/process-definition/key/ebg/start', { businessKey: 'B' })).body;
    const r = await t.api('POST', '/engine-rest/message', { messageName: 'zustimmung', businessKey: 'A' });
    expect(r.status, JSON.stringify(r.body)).to.equal(204);
    expect((await taskKeys(t, a.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['agreed']);
    // B hears nothing for 28 days: its timer branch fires.
    t.clock.advance(28 * 86400_000 + 1000);
    await t.service.scheduler.runDue();
    expect((await taskKeys(t, b.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['fictitious']);
    // A's timer was dropped with its branch: advancing further changes nothing.
    expect((await taskKeys(t, a.id)).map((x) => x.taskDefinitionKey)).to.deep.equal(['agreed']);
  });
});
