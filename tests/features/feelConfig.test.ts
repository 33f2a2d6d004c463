/** Rules that change with the law are configuration that every diagram's FEEL can read as `config`. */
import { expect } from 'chai';
import { bpmn, deploy, startTestService } from '../helpers/service.ts';

const XML = bpmn('rechtsstand', `
    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="gw" default="fAlt"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>fNeu</bpmn:outgoing><bpmn:outgoing>fAlt</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="neuesRecht" name="Neues Recht" camunda:dueDate="=date and time(config.benefitCutoverDate + &quot;T00:00:00Z&quot;)"><bpmn:incoming>fNeu</bpmn:incoming></bpmn:userTask>
    <bpmn:userTask id="altesRecht" name="Altes Recht"><bpmn:incoming>fAlt</bpmn:incoming></bpmn:userTask>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="gw" />
    <bpmn:sequenceFlow id="fNeu" sourceRef="gw" targetRef="neuesRecht"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=config.benefitLawInForce and date(arrivalDate) >= date(config.benefitCutoverDate)</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fAlt" sourceRef="gw" targetRef="altesRecht" />`);

async function run(env: Record<string, string>, arrivalDate: string) {
  const t = await startTestService({ env });
  try {
    expect((await deploy(t.api, { 'r.bpmn': XML })).status).to.equal(200);
    const r = await t.api('POST', '/engine-rest/process-definition/key/rechtsstand/start', { variables: { arrivalDate: { value: arrivalDate, type: 'String' } } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${r.body.id}`)).body as Array<{ taskDefinitionKey: string; due: string | null }>;
    return tasks.map((x) => `${x.taskDefinitionKey}${x.due ? '@' + x.due.slice(0, 10) : ''}`);
  } finally {
    await t.close();
  }
}

describe('feature: configuration readable from FEEL', () => {
  it('config.benefitLawInForce and config.benefitCutoverDate steer a gateway and a due date; changing the environment changes the path', async () => {
    expect(await run({}, '2026-02-10')).to.deep.equal(['altesRecht']);
    expect(await run({ BENEFIT_LAW_IN_FORCE: 'true' }, '2026-02-10')).to.deep.equal(['neuesRecht@2025-04-01']);
    expect(await run({ BENEFIT_LAW_IN_FORCE: 'true', BENEFIT_CUTOVER_DATE: '2026-07-01' }, '2026-02-10')).to.deep.equal(['altesRecht']);
  });

  it('a process variable of the same name wins over the configuration', async () => {
    const t = await startTestService({ env: { BENEFIT_LAW_IN_FORCE: 'true' } });
    try {
      await deploy(t.api, { 'r.bpmn': XML });
      const r = await t.api('POST', '/engine-rest/process-definition/key/rechtsstand/start', {
        variables: { arrivalDate: { value: '2026-02-10', type: 'String' }, config: { value: { benefitLawInForce: false, benefitCutoverDate: '2025-04-01' }, type: 'Json' } },
      });
      const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${r.body.id}`)).body as Array<{ taskDefinitionKey: string }>;
      expect(tasks.map((x) => x.taskDefinitionKey)).to.deep.equal(['altesRecht']);
    } finally {
      await t.close();
    }
  });
});
