import fs from 'node:fs';
import { expect } from 'chai';
import { ADMIN, bpmn, deploy, startTestService, type Api, type TestService } from '../helpers/service.ts';

const FIXTURES = 'tests/fixtures/bpmn/parse';
const MAX_FILE_BYTES = 8192;
const MAX_BODY_BYTES = 2048;

type Res = { status: number; body: any };

/** Every count the API can show, plus the seed instance's variables: what must not change after a rejected request. */
interface Snapshot {
  deployments: number;
  definitions: number;
  instances: number;
  historicInstances: number;
  tasks: number;
  historicTasks: number;
  historicActivities: number;
  historicVariables: number;
  seedVariables: unknown;
  seedTask: unknown;
}

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ';

/** start → `body` → end, with the flows around the element with id `id`. */
function around(key: string, id: string, element: string): string {
  return bpmn(
    key,
    `<bpmn:startEvent id="start"/>
     <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${id}"/>
     ${element}
     <bpmn:sequenceFlow id="f2" sourceRef="${id}" targetRef="end"/>
     <bpmn:endEvent id="end"/>`,
  ).replace('xmlns:bpmn=', XSI + 'xmlns:bpmn=');
}

describe('api: hostile and malformed input writes nothing', () => {
  let t: TestService;
  let api: Api;
  let seedInstanceId: string;
  let seedTaskId: string;
  let seedDeploymentId: string;

  async function count(url: string): Promise<number> {
    const r = await api('GET', url);
    expect(r.status, `${url}: ${JSON.stringify(r.body)}`).to.equal(200);
    return r.body.count;
  }

  async function snapshot(): Promise<Snapshot> {
    const [deployments, definitions, instances, historicInstances, tasks, historicTasks, historicActivities, historicVariables] = await Promise.all([
      count('/engine-rest/deployment/count'),
      count('/engine-rest/process-definition/count'),
      count('/engine-rest/process-instance/count'),
      count('/engine-rest/history/process-instance/count'),
      count('/engine-rest/task/count'),
      count('/engine-rest/history/task/count'),
      count('/engine-rest/history/activity-instance/count'),
      count('/engine-rest/history/variable-instance/count'),
    ]);
    const vars = await api('GET', `/engine-rest/process-instance/${seedInstanceId}/variables`);
    const task = await api('GET', `/engine-rest/task/${seedTaskId}`);
    return { deployments, definitions, instances, historicInstances, tasks, historicTasks, historicActivities, historicVariables, seedVariables: vars.body, seedTask: task.body };
  }

  /** Camunda's error shape: `{type: '…Exception', message}`. */
  function expectError(res: Res, status: number, what: string): void {
    expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
    expect(res.body, what).to.be.an('object');
    expect(res.body.type, what).to.be.a('string').and.match(/Exception$/);
    expect(res.body.message, what).to.be.a('string').and.not.empty;
  }

  /** Runs the request between two snapshots: the expected error, and nothing written. */
  async function rejected(what: string, status: number, request: () => Promise<Res>): Promise<Res> {
    const before = await snapshot();
    const res = await request();
    expectError(res, status, what);
    const after = await snapshot();
    expect(after, `${what} must not write anything`).to.deep.equal(before);
    return res;
  }

  async function raw(method: string, url: string, body: string | Buffer, contentType: string): Promise<Res> {
    const res = await fetch(t.service.url + url, {
      method,
      headers: { Authorization: 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64'), 'Content-Type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the assertions will say so
    }
    return { status: res.status, body: parsed };
  }

  before(async () => {
    t = await startTestService({ env: { MAX_FILE_BYTES: String(MAX_FILE_BYTES), MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
    api = t.api;
    // Given one deployed process with one running instance and its task, so that every count starts above zero
    const dep = await deploy(api, { 'seed.bpmn': around('seed', 'work', '<bpmn:userTask id="work" name="Arbeiten" camunda:candidateGroups="cm-ki"/>') });
    expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
    seedDeploymentId = dep.body.id;
    const start = await api('POST', '/engine-rest/process-definition/key/seed/start', { businessKey: 'SEED-1', variables: { note: { value: 'original', type: 'String' } } });
    expect(start.status, JSON.stringify(start.body)).to.equal(200);
    seedInstanceId = start.body.id;
    const tasks = await api('GET', `/engine-rest/task?processInstanceId=${seedInstanceId}`);
    expect(tasks.body).to.have.length(1);
    seedTaskId = tasks.body[0].id;
    const s = await snapshot();
    expect(s).to.include({ deployments: 1, definitions: 1, instances: 1, historicInstances: 1, tasks: 1, historicTasks: 1 });
  });
  after(async () => {
    await t.close();
  });

  describe('diagrams', () => {
    it('Given malformed XML, when deployed, then 400 ParseException with the parser message', async () => {
      const res = await rejected('malformed XML', 400, () => deploy(api, { 'broken.bpmn': '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x">' }));
      expect(res.body.type).to.equal('ParseException');
      expect(res.body.message).to.match(/^Malformed XML/);
    });

    it('Given text that is not XML at all, an empty file and invalid UTF-8, when deployed, then 400 each', async () => {
      await rejected('not XML', 400, () => deploy(api, { 'x.bpmn': 'hello world' }));
      await rejected('empty file', 400, () => deploy(api, { 'x.bpmn': '' }));
      const form = new FormData();
      form.append('deployment-name', 'bad-utf8');
      form.append('x.bpmn', new Blob([Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e])], { type: 'application/octet-stream' }), 'x.bpmn');
      const res = await rejected('invalid UTF-8', 400, () => api('POST', '/engine-rest/deployment/create', form));
      expect(res.body.message).to.contain('UTF-8');
    });

    it('Given a DOCTYPE with an external entity (XXE, file:///etc/passwd), when deployed, then 400 and nothing of the file leaks', async () => {
      const res = await rejected('XXE', 400, () => deploy(api, { 'xxe.bpmn': fs.readFileSync(`${FIXTURES}/xxe.bpmn`, 'utf8') }));
      expect(res.body.type).to.equal('ParseException');
      expect(res.body.message).to.contain('DOCTYPE');
      expect(JSON.stringify(res.body)).to.not.match(/root:|\/bin\/(ba)?sh/);
    });

    it('Given an ENTITY declaration without DOCTYPE, in an executable process, when deployed, then 400', async () => {
      const xml = around('ent', 'work', '<bpmn:userTask id="work" name="&xxe;"/>').replace('<bpmn:definitions', '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<bpmn:definitions');
      await rejected('ENTITY', 400, () => deploy(api, { 'ent.bpmn': xml }));
    });

    it('Given billion laughs, when deployed, then 400 quickly', async () => {
      const started = Date.now();
      const res = await rejected('billion laughs', 400, () => deploy(api, { 'lol.bpmn': fs.readFileSync(`${FIXTURES}/billion-laughs.bpmn`, 'utf8') }));
      expect(res.body.type).to.equal('ParseException');
      expect(Date.now() - started).to.be.below(5000);
    });

    it(`Given a file over MAX_FILE_BYTES (${MAX_FILE_BYTES}), when deployed, then 413 PayloadTooLargeException`, async () => {
      const big = around('big', 'work', '<bpmn:userTask id="work"/>').replace('</bpmn:definitions>', `<!-- ${'x'.repeat(MAX_FILE_BYTES)} -->\n</bpmn:definitions>`);
      expect(Buffer.byteLength(big)).to.be.above(MAX_FILE_BYTES);
      const res = await rejected('file over limit', 413, () => deploy(api, { 'big.bpmn': big }));
      expect(res.body.type).to.equal('PayloadTooLargeException');
      // Also as the only part of a hand-built body (no deployment-name at all).
      const boundary = 'kimBigBoundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="big.bpmn"; filename="big.bpmn"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        Buffer.from(big),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      await rejected('file over limit (raw)', 413, () => raw('POST', '/engine-rest/deployment/create', body, `multipart/form-data; boundary=${boundary}`));
    });

    it('Given a file just under MAX_FILE_BYTES, when deployed, then 200 (the limit is the size, not the content)', async () => {
      const base = around('almostBig', 'work', '<bpmn:userTask id="work"/>');
      const pad = MAX_FILE_BYTES - Buffer.byteLength(base) - 20;
      const xml = base.replace('</bpmn:definitions>', `<!-- ${'x'.repeat(pad)} -->\n</bpmn:definitions>`);
      expect(Buffer.byteLength(xml)).to.be.at.most(MAX_FILE_BYTES);
      const before = await snapshot();
      const res = await deploy(api, { 'almost.bpmn': xml });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const after = await snapshot();
      expect(after.deployments).to.equal(before.deployments + 1);
      expect(after.definitions).to.equal(before.definitions + 1);
      // Clean up so that the other cases see the seed state only.
      expect((await api('DELETE', `/engine-rest/deployment/${res.body.id}`)).status).to.equal(204);
      expect(await snapshot()).to.deep.equal(before);
    });

    it('Given a script task, when deployed, then 400 naming the element', async () => {
      const xml = around('scripted', 'Script_Evil', `<bpmn:scriptTask id="Script_Evil" scriptFormat="javascript"><bpmn:script>require('child_process').execSync('id')</bpmn:script></bpmn:scriptTask>`);
      const res = await rejected('script task', 400, () => deploy(api, { 'scripted.bpmn': xml }));
      expect(res.body.type).to.equal('ParseException');
      expect(res.body.elementId).to.equal('Script_Evil');
      expect(res.body.message).to.contain('Script_Evil');
    });

    it('Given a javascript condition, when deployed, then 400 naming the sequence flow', async () => {
      const xml = bpmn(
        'jsCondition',
        `<bpmn:startEvent id="start"/>
         <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
         <bpmn:exclusiveGateway id="gw" default="f3"/>
         <bpmn:sequenceFlow id="Flow_JS" sourceRef="gw" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">next(null, this.environment.variables.amount &gt; 1)</bpmn:conditionExpression></bpmn:sequenceFlow>
         <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>
         <bpmn:endEvent id="end"/>`,
      ).replace('xmlns:bpmn=', XSI + 'xmlns:bpmn=');
      const res = await rejected('javascript condition', 400, () => deploy(api, { 'js.bpmn': xml }));
      expect(res.body.type).to.equal('ParseException');
      expect(res.body.elementId).to.equal('Flow_JS');
      expect(res.body.message).to.contain('javascript');
    });

    it('Given FEEL that does not parse, when deployed, then 400 naming the element', async () => {
      const xml = around('badFeel', 'Task_Feel', '<bpmn:userTask id="Task_Feel" camunda:assignee="=foo((( and"/>');
      const res = await rejected('bad FEEL', 400, () => deploy(api, { 'feel.bpmn': xml }));
      expect(res.body.type).to.equal('ParseException');
      expect(res.body.elementId).to.equal('Task_Feel');
      expect(res.body.message).to.contain('Task_Feel');
    });

    it('Given a camunda:class service task, when deployed, then 400 naming the element', async () => {
      const xml = around('javaClass', 'Service_Java', '<bpmn:serviceTask id="Service_Java" camunda:class="com.example.Evil"/>');
      const res = await rejected('camunda:class', 400, () => deploy(api, { 'java.bpmn': xml }));
      expect(res.body.elementId).to.equal('Service_Java');
    });

    it('Given one good and one bad file in one deployment, when deployed, then 400 and the good one is not stored either', async () => {
      const good = around('goodHalf', 'work', '<bpmn:userTask id="work"/>');
      const bad = around('badHalf', 'Script_1', '<bpmn:scriptTask id="Script_1"><bpmn:script>1</bpmn:script></bpmn:scriptTask>');
      await rejected('half bad deployment', 400, () => deploy(api, { 'good.bpmn': good, 'bad.bpmn': bad }));
      expect((await api('GET', '/engine-rest/process-definition/key/goodHalf')).status).to.equal(404);
    });

    it('Given a $-prefixed multipart field, when deployed, then 400', async () => {
      const good = around('named', 'work', '<bpmn:userTask id="work"/>');
      const res = await rejected('$ field', 400, () => deploy(api, { 'named.bpmn': good }, { $where: '1' }));
      expect(res.body.message).to.contain('$where');
    });

    it('Given a path-like file name (../../etc/evil.bpmn), when deployed, then only the base name is stored as the resource name', async () => {
      const before = await snapshot();
      const res = await deploy(api, { '../../etc/evil.bpmn': around('pathName', 'work', '<bpmn:userTask id="work"/>') });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const resources = await api('GET', `/engine-rest/deployment/${res.body.id}/resources`);
      expect(resources.body.map((r: { name: string }) => r.name)).to.deep.equal(['evil.bpmn']);
      expect((await api('DELETE', `/engine-rest/deployment/${res.body.id}`)).status).to.equal(204);
      expect(await snapshot()).to.deep.equal(before);
    });
  });

  describe('JSON bodies', () => {
    it(`Given a JSON body over MAX_BODY_BYTES (${MAX_BODY_BYTES}), when starting, then 413`, async () => {
      const res = await rejected('body over limit', 413, () =>
        api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { big: { value: 'x'.repeat(MAX_BODY_BYTES * 2), type: 'String' } } }),
      );
      expect(res.body.type).to.equal('PayloadTooLargeException');
    });

    it('Given invalid JSON, when starting or completing, then 400', async () => {
      const res = await rejected('invalid JSON', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', '{"variables": {"a": '));
      expect(res.body.type).to.equal('InvalidRequestException');
      await rejected('invalid JSON on complete', 400, () => api('POST', `/engine-rest/task/${seedTaskId}/complete`, "{'single': 'quotes'}"));
    });

    it('Given a JSON body that is not an object (array, string, number), when starting, then 400', async () => {
      await rejected('array body', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', '[1,2]'));
      await rejected('string body', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', '"text"'));
      await rejected('number body', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', '42'));
    });

    it('Given an unknown variable type (Banana), when starting, then 400', async () => {
      const res = await rejected('unknown type', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { a: { value: 1, type: 'Banana' } } }));
      expect(res.body.message).to.contain('Banana');
    });

    it('Given a value of the wrong type (Integer "x", Boolean "yes", Date "tomorrow", Integer 2^40), when starting, then 400', async () => {
      for (const v of [
        { value: 'x', type: 'Integer' },
        { value: 'yes', type: 'Boolean' },
        { value: 'tomorrow', type: 'Date' },
        { value: 2 ** 40, type: 'Integer' },
        { value: 1.5, type: 'Long' },
        { value: '{not json', type: 'Json' },
      ]) {
        const res = await rejected(`wrong value ${JSON.stringify(v)}`, 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { a: v } }));
        expect(res.body.message).to.contain("'a'");
      }
    });

    it('Given an invalid businessKey (number, over 255 characters), when starting, then 400', async () => {
      await rejected('numeric businessKey', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { businessKey: 42 }));
      await rejected('long businessKey', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { businessKey: 'k'.repeat(256) }));
    });
  });

  describe('$-prefixed keys (operator injection)', () => {
    it('Given $ keys or $ values in a query string, when querying tasks, then 400', async () => {
      const res = await rejected('$where in query', 400, () => api('GET', '/engine-rest/task?$where=1'));
      expect(res.body.message).to.contain('$where');
      await rejected('$ value in query', 400, () => api('GET', '/engine-rest/task?assignee=$ne'));
      await rejected('$ key in instance query', 400, () => api('GET', '/engine-rest/process-instance?$gt=1'));
      await rejected('$ key in history query', 400, () => api('GET', '/engine-rest/history/task?$regex=.*'));
    });

    it('Given a $ key in a body, when starting, completing or setting variables, then 400', async () => {
      await rejected('$gt in start variables', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { $gt: { value: 1, type: 'Integer' } } }));
      await rejected('$ key at top level', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { $where: 'sleep(1000)' }));
      await rejected('$gt in complete variables', 400, () => api('POST', `/engine-rest/task/${seedTaskId}/complete`, { variables: { $gt: { value: 1 } } }));
      await rejected('$set in modifications', 400, () => api('POST', `/engine-rest/process-instance/${seedInstanceId}/variables`, { modifications: { $set: { value: 1 } } }));
      await rejected('$ name in deletions', 400, () => api('POST', `/engine-rest/process-instance/${seedInstanceId}/variables`, { deletions: ['$where'] }));
      await rejected('$ name in path', 400, () => api('PUT', `/engine-rest/process-instance/${seedInstanceId}/variables/$where`, { value: 1, type: 'Integer' }));
    });

    it('Given a Json variable whose value has $ keys (as object and as JSON text, nested), then 400', async () => {
      await rejected('Json object with $ne', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { q: { value: { $ne: 1 }, type: 'Json' } } }));
      const res = await rejected('Json text with $ne', 400, () => api('POST', '/engine-rest/process-definition/key/seed/start', { variables: { q: { value: '{"a":{"b":[{"$ne":1}]}}', type: 'Json' } } }));
      expect(res.body.message).to.contain("'q'");
      await rejected('Json on complete', 400, () => api('POST', `/engine-rest/task/${seedTaskId}/complete`, { variables: { q: { value: '{"$where":"1"}', type: 'Json' } } }));
      await rejected('Json on variable update', 400, () => api('PUT', `/engine-rest/process-instance/${seedInstanceId}/variables/q`, { value: '{"$where":"1"}', type: 'Json' }));
    });
  });

  describe('unknown ids → 404 with a Camunda error body', () => {
    const nope = 'aaaaaaaa-0000-4000-8000-000000000000';

    it('Given an unknown task id, then GET, POST complete/claim/unclaim/assignee, GET variables → 404', async () => {
      await rejected('GET task', 404, () => api('GET', `/engine-rest/task/${nope}`));
      await rejected('complete', 404, () => api('POST', `/engine-rest/task/${nope}/complete`, {}));
      await rejected('claim', 404, () => api('POST', `/engine-rest/task/${nope}/claim`, { userId: 'admin' }));
      await rejected('unclaim', 404, () => api('POST', `/engine-rest/task/${nope}/unclaim`, {}));
      await rejected('assignee', 404, () => api('POST', `/engine-rest/task/${nope}/assignee`, { userId: 'admin' }));
      await rejected('task variables', 404, () => api('GET', `/engine-rest/task/${nope}/variables`));
      await rejected('form variables', 404, () => api('GET', `/engine-rest/task/${nope}/form-variables`));
      // DELETE /task/{id} is not offered (tasks belong to their process): 405, still in Camunda's shape.
      await rejected('DELETE task', 405, () => api('DELETE', `/engine-rest/task/${nope}`));
    });

    it('Given an unknown process instance id, then GET, POST variables, PUT variable, DELETE → 404', async () => {
      await rejected('GET instance', 404, () => api('GET', `/engine-rest/process-instance/${nope}`));
      await rejected('GET variables', 404, () => api('GET', `/engine-rest/process-instance/${nope}/variables`));
      await rejected('POST variables', 404, () => api('POST', `/engine-rest/process-instance/${nope}/variables`, { modifications: { a: { value: 1, type: 'Integer' } } }));
      await rejected('PUT variable', 404, () => api('PUT', `/engine-rest/process-instance/${nope}/variables/a`, { value: 1, type: 'Integer' }));
      await rejected('DELETE instance', 404, () => api('DELETE', `/engine-rest/process-instance/${nope}`));
      await rejected('GET historic instance', 404, () => api('GET', `/engine-rest/history/process-instance/${nope}`));
    });

    it('Given an unknown process definition id or key, then GET, GET xml, POST start → 404', async () => {
      await rejected('GET definition', 404, () => api('GET', `/engine-rest/process-definition/${nope}`));
      await rejected('GET definition xml', 404, () => api('GET', `/engine-rest/process-definition/${nope}/xml`));
      await rejected('POST start by id', 404, () => api('POST', `/engine-rest/process-definition/${nope}/start`, {}));
      await rejected('GET by key', 404, () => api('GET', '/engine-rest/process-definition/key/noSuchKey'));
      await rejected('GET xml by key', 404, () => api('GET', '/engine-rest/process-definition/key/noSuchKey/xml'));
      await rejected('POST start by key', 404, () => api('POST', '/engine-rest/process-definition/key/noSuchKey/start', {}));
      await rejected('DELETE definition (not offered)', 405, () => api('DELETE', `/engine-rest/process-definition/${nope}`));
    });

    it('Given an unknown deployment id, then GET, GET resources, resource data, DELETE (with and without cascade), POST → 404', async () => {
      await rejected('GET deployment', 404, () => api('GET', `/engine-rest/deployment/${nope}`));
      await rejected('GET resources', 404, () => api('GET', `/engine-rest/deployment/${nope}/resources`));
      await rejected('GET resource data', 404, () => api('GET', `/engine-rest/deployment/${nope}/resources/${nope}/data`));
      await rejected('DELETE deployment', 404, () => api('DELETE', `/engine-rest/deployment/${nope}`));
      await rejected('DELETE deployment cascade', 404, () => api('DELETE', `/engine-rest/deployment/${nope}?cascade=true`));
      await rejected('POST redeploy (no such route)', 404, () => api('POST', `/engine-rest/deployment/${nope}/redeploy`, {}));
    });

    it('Given an unknown path under /engine-rest, then 404 in Camunda shape', async () => {
      const res = await rejected('unknown path', 404, () => api('GET', '/engine-rest/no-such-resource'));
      expect(res.body.type).to.equal('InvalidRequestException');
    });
  });

  describe('completing with bad variables', () => {
    it('Given the seed task, when completed with variables that are not an object (array, string, number, bare values), then 400 and the task is still open', async () => {
      for (const variables of [[1, 2], 'x', 5, true, { a: 5 }, { a: 'plain' }, { a: null }]) {
        const res = await rejected(`variables ${JSON.stringify(variables)}`, 400, () => api('POST', `/engine-rest/task/${seedTaskId}/complete`, { variables }));
        expect(res.body.type).to.equal('InvalidRequestException');
      }
      expect((await api('GET', `/engine-rest/task/${seedTaskId}`)).status).to.equal(200);
      const vars = await api('GET', `/engine-rest/process-instance/${seedInstanceId}/variables`);
      expect(vars.body).to.deep.equal({ note: { type: 'String', value: 'original', valueInfo: {} } });
    });

    it('Given bad query parameters (sortBy injection, negative paging, bad dates, bad booleans), then 400', async () => {
      await rejected('sortBy injection', 400, () => api('GET', '/engine-rest/task?sortBy=created;DROP%20TABLE%20tasks'));
      await rejected('sortOrder', 400, () => api('GET', '/engine-rest/task?sortBy=created&sortOrder=sideways'));
      await rejected('negative maxResults', 400, () => api('GET', '/engine-rest/task?maxResults=-1'));
      await rejected('non-numeric firstResult', 400, () => api('GET', '/engine-rest/process-definition?firstResult=abc'));
      await rejected('bad date', 400, () => api('GET', '/engine-rest/task?dueBefore=yesterday'));
      await rejected('bad boolean', 400, () => api('GET', '/engine-rest/process-definition?latestVersion=maybe'));
      await rejected('bad cascade', 400, () => api('DELETE', `/engine-rest/deployment/${seedDeploymentId}?cascade=perhaps`));
    });
  });
});
