/**
 * Event sub-processes started from outside by a message: an interrupting one cancels everything else
 * running in the process (tasks, an embedded sub-process, a called instance); a non-interrupting one
 * runs beside it. Both survive a restart in between.
 */
import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { completeByKey, start, stateOf, taskKeys } from '../helpers/flow.ts';

const esp = (interrupting: boolean) => bpmn(`esp-${interrupting}`, `
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="fork"/><bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="work"/><bpmn:userTask id="work"/>
    <bpmn:sequenceFlow id="fw" sourceRef="work" targetRef="e0"/><bpmn:endEvent id="e0"/>
    <bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="sub"/>
    <bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/><bpmn:sequenceFlow id="sf" sourceRef="ss" targetRef="inner"/><bpmn:userTask id="inner"/></bpmn:subProcess>
    <bpmn:sequenceFlow id="fc" sourceRef="fork" targetRef="call"/><bpmn:callActivity id="call" calledElement="esp-child"/>
    <bpmn:subProcess id="widerruf" triggeredByEvent="true">
      <bpmn:startEvent id="widerrufStart" isInterrupting="${interrupting}"><bpmn:messageEventDefinition messageRef="M"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="ef" sourceRef="widerrufStart" targetRef="close"/><bpmn:userTask id="close"/>
      <bpmn:sequenceFlow id="eg" sourceRef="close" targetRef="ee"/><bpmn:endEvent id="ee"/>
    </bpmn:subProcess>`, '<bpmn:message id="M" name="abbrechen" />');
const CHILD = bpmn('esp-child', `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="w"/><bpmn:userTask id="w"/>`);

describe('feature: event sub-processes triggered by a message', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
    expect((await deploy(t.api, { 'i.bpmn': esp(true), 'n.bpmn': esp(false), 'c.bpmn': CHILD })).status).to.equal(200);
  });
  afterEach(() => t.close());

  const message = async (businessKey: string) =>
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'abbrechen', businessKey })).status).to.equal(204);
  const child = async (id: string) => (await t.api('GET', `/engine-rest/history/process-instance?superProcessInstanceId=${id}`)).body;

  it('interrupting: the other tasks, the embedded sub-process and the called instance are cancelled; the instance ends with the event sub-process', async () => {
    const inst = await start(t, 'esp-true', { businessKey: 'I-1' });
    expect(await taskKeys(t, inst.id)).to.deep.equal(['inner', 'work']);
    const [called] = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${inst.id}`)).body;
    await t.restart();
    await message('I-1');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['close']);
    expect(await stateOf(t, called.id)).to.equal('EXTERNALLY_TERMINATED');
    const canceled = (await t.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${inst.id}&canceled=true`)).body as Array<{ activityId: string; canceled: boolean }>;
    expect(canceled.filter((a) => a.canceled).map((a) => a.activityId).sort()).to.include.members(['call', 'inner', 'sub', 'work']);
    await completeByKey(t, inst.id, 'close');
    expect(await stateOf(t, inst.id)).to.equal('COMPLETED');
    // A second message finds nothing to correlate: the instance has ended.
    expect((await t.api('POST', '/engine-rest/message', { messageName: 'abbrechen', businessKey: 'I-1' })).status).to.equal(400);
    void child;
  });

  it('non-interrupting: the event sub-process runs beside the rest', async () => {
    const inst = await start(t, 'esp-false', { businessKey: 'N-1' });
    await message('N-1');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['close', 'inner', 'work']);
    // While it still runs, a second message is refused clearly (bpmn-elements runs one instance at a time).
    const again = await t.api('POST', '/engine-rest/message', { messageName: 'abbrechen', businessKey: 'N-1' });
    expect(again.status).to.equal(409);
    expect(again.body.message).to.contain('Event sub-process widerruf is still running');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['close', 'inner', 'work']);
    await completeByKey(t, inst.id, 'close');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['inner', 'work']);
    expect(await stateOf(t, inst.id)).to.equal('ACTIVE');
    // Ended, it takes the next message.
    await message('N-1');
    expect(await taskKeys(t, inst.id)).to.deep.equal(['close', 'inner', 'work']);
  });
});
